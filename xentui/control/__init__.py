"""The engine: polling hosts, running actions, following migrations; emits typed events."""
