"""The six step panes of the wizard screen, one per step of Upflow's guide."""
