"""Step 6: the PrivateBin-compatible one-time encrypted link to Upflow."""
