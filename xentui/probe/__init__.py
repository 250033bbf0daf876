"""The stream probe: reads the guest's stream like a player and measures bitrate, gaps, stalls."""
