"""The Textual wizard. Drives `okta_wizard.setup`; never talks to Okta itself."""
