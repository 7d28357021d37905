"""Input channels of the Rasa server (loaded by Rasa from credentials.yml)."""
