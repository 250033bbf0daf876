"""Step 4 for xl hosts against the lab's ssh: a ready lab passes; keys made by hand repair one."""

from __future__ import annotations

from tests.lab.helpers import ssh
from xentui.setup.checklist import Checklist
from xentui.setup.results import Status


async def _ssh_step(lab) -> object:
    cl = Checklist(lab.config)
    try:
        assert (await cl.run_step("hosts")).status is Status.PASSED
        return await cl.run_step("relocation")
    finally:
        await cl.close()


async def test_ready_xl_lab_passes_the_ssh_step(lab_factory) -> None:
    lab = await lab_factory(toolstack="xl", hosts=3)
    result = await _ssh_step(lab)
    assert result.status is Status.PASSED, result
    reasons = [(f.where, f.reason) for f in result.findings]
    assert reasons == [
        ("xen_host_1 → xen_host_2", "ssh xen_host_2 works without a password"),
        ("xen_host_1 → xen_host_3", "ssh xen_host_3 works without a password"),
    ]


async def test_fresh_xl_lab_fails_until_the_by_hand_fix_is_typed(lab_factory) -> None:
    lab = await lab_factory(toolstack="xl", hosts=3, fresh=True)
    before = await _ssh_step(lab)
    assert before.status is Status.FAILED
    assert all("Permission denied" in f.found for f in before.findings)
    plan = await Checklist(lab.config).plan_fix("relocation")
    assert not plan.runnable  # ssh-copy-id wants the target's root password: a human types it
    # what the instructions say, typed on xen_host_1 (the lab's ssh-copy-id needs no password)
    lines = [line.strip() for line in plan.describe().splitlines()]
    typed = [line for line in lines if line.startswith(("ssh-keygen", "ssh-copy-id"))]
    assert typed == ["ssh-keygen", "ssh-copy-id root@xen_host_2", "ssh-copy-id root@xen_host_3"]
    for command in typed:
        answers = "\n\n\n" if command == "ssh-keygen" else None  # file, passphrase twice
        done = await ssh(lab, "xen_host_1", command, input=answers)
        assert done.exit_status == 0, done.stderr
    after = await _ssh_step(lab)
    assert after.status is Status.PASSED, after
    # a target down after step 1 passed: the step fails and shows ssh's own words
    cl = Checklist(lab.config)
    try:
        assert (await cl.run_step("hosts")).status is Status.PASSED
        await lab.stop_host("xen_host_3")
        down = await cl.run_step("relocation")
    finally:
        await cl.close()
    assert down.status is Status.FAILED
    [bad] = [f for f in down.findings if f.status is Status.FAILED]
    assert bad.found == "ssh: connect to host xen_host_3 port 22: Connection refused"
