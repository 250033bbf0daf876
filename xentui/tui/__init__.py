"""The Textual face of xentui: a thin view over control/ and probe/."""
