"""The Textual front end: app, screens, widgets, one stylesheet; the only layer with Textual."""
