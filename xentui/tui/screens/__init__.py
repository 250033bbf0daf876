"""The app's screens: the main view and its dialogs, each in its own module."""
