"""Scheduled jobs (定时作业): the jobs file, running a job through ansible-runner, locks, timers, notifications."""
