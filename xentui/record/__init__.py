"""Run records (issue 15): every run's typed events in a JSON Lines file, and reading it back.

Below the TUI: no Textual here. `recorder.Recorder` writes, `reader.read_run` reads, the
``xentui report`` and ``xentui replay`` commands build on the reader.
"""
