"""Reusable widgets of the wizard: masked input, secret view, group picker, stepper, confirm."""
