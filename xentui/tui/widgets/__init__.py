"""The main screen's widgets: pure views fed records by the screen, never reaching a sibling."""
