"""The instructor pipeline: nbgrader wrappers (``grading.pipeline``), the
hidden checks (``grading.checks``) and the public tests students run
(``grading.public_tests``)."""

# In release order; each is solutions/<name>/<name>.ipynb.
ASSIGNMENTS = ("rnn_step_by_step", "char_language_model", "gru_lstm", "bidirectional_deep", "torch_lstm_lm")
