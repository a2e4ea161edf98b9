"""Writing workers: ``Worker``, ``WorkerInterface``, ``@worker_task``, exceptions."""
