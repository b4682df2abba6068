"""Settings read from the environment, validated once."""
