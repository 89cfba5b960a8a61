"""The wizard's screens: the main one (stepper and step panes), resume, help, and the secret
shown once when the keyring refused it."""
