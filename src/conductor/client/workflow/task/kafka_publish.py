"""KAFKA_PUBLISH tasks: the server publishes a message to a Kafka topic."""

from __future__ import annotations

from conductor.client.workflow.task.kafka_publish_input import KafkaPublishInput
from conductor.client.workflow.task.task import TaskInterface
from conductor.client.workflow.task.task_type import TaskType


class KafkaPublishTask(TaskInterface):
    """Publish the message described by ``kafka_publish_input`` (input ``kafka_request``)."""

    def __init__(
        self, task_ref_name: str, kafka_publish_input: KafkaPublishInput | None = None
    ) -> None:
        super().__init__(
            task_reference_name=task_ref_name,
            task_type=TaskType.KAFKA_PUBLISH,
            input_parameters={"kafka_request": kafka_publish_input},
        )
