"""Write operations on the platform registry. Views, tasks and commands call these."""
