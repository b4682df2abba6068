"""The clock process: scheduled jobs, run apart from the web workers (Procfile `clock:`)."""
