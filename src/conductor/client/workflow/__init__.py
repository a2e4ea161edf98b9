"""Define Conductor workflows in Python: tasks, workflows and the executor that runs them."""
