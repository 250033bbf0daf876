"""The streaming guest: its domain's own files, gnump3d serving the chained Ogg stream over
HTTP, the media it serves, and the halt a migration's stop-and-copy puts on it."""
