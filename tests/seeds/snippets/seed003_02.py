from multiprocessing import set_start_method
set_start_method('spawn')

from swift_conductor.configuration import Configuration
from swift_conductor.worker.worker import Worker
from swift_conductor.automation.worker_host import WorkerHost

configuration = Configuration(server_api_url='http://localhost:8080/api', debug=True)

workers = [
    SampleWorker(task_definition_name='task_1'),
    SampleWorker(task_definition_name='task_2'),
]

with WorkerHost(workers, configuration) as worker_host:
    worker_host.start_processes()
