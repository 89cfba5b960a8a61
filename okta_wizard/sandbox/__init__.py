"""The built-in sandbox Okta org (and its one-time-link endpoint), for the demo and the tests."""
