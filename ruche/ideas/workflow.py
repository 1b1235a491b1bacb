"""The default workflow, built the same way by the data migration and by `default_workflow()`."""

from ruche.ideas.models import DEFAULT_STAGES, DEFAULT_TRANSITIONS, DEFAULT_WORKFLOW_NAME


def create_default_workflow(Workflow, Stage, Transition):
    workflow = Workflow.objects.create(name=DEFAULT_WORKFLOW_NAME, is_default=True)
    stages = {
        name: Stage.objects.create(
            workflow=workflow, name=name, order=i, terminal=terminal, decision=decision
        )
        for i, (name, terminal, decision) in enumerate(DEFAULT_STAGES)
    }
    Transition.objects.bulk_create(
        [Transition(workflow=workflow, source=stages[a], target=stages[b]) for a, b in DEFAULT_TRANSITIONS]
    )
    return workflow


def default_workflow():
    """The default workflow (created again if an admin deleted it)."""
    from ruche.ideas.models import Stage, Transition, Workflow

    return Workflow.objects.filter(is_default=True).order_by("pk").first() or create_default_workflow(
        Workflow, Stage, Transition
    )
