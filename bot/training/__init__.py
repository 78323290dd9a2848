"""From content/ and nlu/ to a trained Rasa model."""
