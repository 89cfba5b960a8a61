"""The six steps of Upflow's guide as UI-free code. Never imports Textual."""
