"""Development tools: the fake LINE platform, simulator, sample data, seeding and the demo."""
