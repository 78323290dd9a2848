"""The campaign content: loading and checking content/."""
