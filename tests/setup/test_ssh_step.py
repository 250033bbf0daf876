"""Step 4 for xl hosts against the lab's ssh: the root key, then each target letting it in."""

from __future__ import annotations

from tests.lab.helpers import ssh
from xentui.setup.checklist import Checklist
from xentui.setup.results import Status

AUTH = "/root/.ssh/authorized_keys"
THEIRS = "# the admins' keys\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtherKeyOtherKeyOther admin@desk"


async def _steps(lab) -> dict[str, object]:
    cl = Checklist(lab.config)
    try:
        assert (await cl.run_step("hosts")).status is Status.PASSED
        key = await cl.run_step("ssh-key")
        return {"ssh-key": key, "relocation": await cl.run_step("relocation")}
    finally:
        await cl.close()


async def test_ready_xl_lab_passes_the_ssh_step(lab_factory) -> None:
    lab = await lab_factory(toolstack="xl", hosts=3)
    got = await _steps(lab)
    assert got["ssh-key"].status is Status.PASSED, got
    assert got["ssh-key"].reason.startswith("xen_host_1: root's key /root/.ssh/id_rsa.pub: SHA256:")
    result = got["relocation"]
    assert result.status is Status.PASSED, result
    reasons = [(f.where, f.reason) for f in result.findings]
    assert reasons == [
        ("xen_host_1 → xen_host_2", "ssh xen_host_2 works without a password"),
        ("xen_host_1 → xen_host_3", "ssh xen_host_3 works without a password"),
    ]


async def test_fresh_xl_lab_key_then_trust_each_an_exact_backed_up_fix(lab_factory) -> None:
    lab = await lab_factory(toolstack="xl", hosts=3, fresh=True)
    # xen_host_3 already lets the admins in: their lines and comment must stay as they are
    lab.host("xen_host_3").vfs.mkdir("/root/.ssh")
    lab.host("xen_host_3").vfs.write(AUTH, THEIRS)  # no newline at the end, as hand-edited
    before = await _steps(lab)
    assert before["ssh-key"].status is Status.FAILED
    assert "root has no SSH key" in before["ssh-key"].reason
    assert before["relocation"].status is Status.BLOCKED
    assert "step 4a (xen_host_1 has a root SSH key)" in before["relocation"].reason

    cl = Checklist(lab.config, wall=lambda: 1_800_000_000.0)
    try:
        await cl.run_all()
        key_plan = await cl.plan_fix("ssh-key")
        assert key_plan.runnable
        assert "xen_host_1$ ssh-keygen -q -t rsa -N '' -f /root/.ssh/id_rsa" in key_plan.describe()
        assert (await cl.apply_fix(key_plan)).ok
        public = lab.host("xen_host_1").vfs.read_text("/root/.ssh/id_rsa.pub").strip()
        # the key exists now: planning it again does nothing, and the ssh step can run
        assert not (await cl.plan_fix("ssh-key")).runnable
        refused = await cl.run_step("relocation")
        assert refused.status is Status.FAILED
        assert all("Permission denied" in f.found for f in refused.findings)

        plan = await cl.plan_fix("relocation")
        assert plan.runnable and plan.commands == ()
        shown = plan.describe()
        # the exact line appended on each target, and a folder made only where none was
        assert f"+{public}" in shown
        assert [str(c) for c in plan.prepare] == ["xen_host_2$ mkdir -p --mode=700 /root/.ssh"]
        assert [e.host for e in plan.edits] == ["xen_host_2", "xen_host_3"]
        outcome = await cl.apply_fix(plan)
        assert outcome.ok, outcome
        assert outcome.backups == (f"xen_host_3:{AUTH}.xentui-bak-20270115-080000",)
        vfs3 = lab.host("xen_host_3").vfs
        assert vfs3.read_text(f"{AUTH}.xentui-bak-20270115-080000") == THEIRS
        assert vfs3.read_text(AUTH) == f"{THEIRS}\n{public}\n"
        assert lab.host("xen_host_2").vfs.read_text(AUTH) == f"{public}\n"
        # a second time: the plan is empty, and the same plan applied again writes nothing
        assert not (await cl.plan_fix("relocation")).runnable
        again = await cl.apply_fix(plan)
        assert not again.ok and "changed since the plan was made" in again.message
        assert vfs3.read_text(AUTH) == f"{THEIRS}\n{public}\n"
        assert len([n for n in vfs3.listdir("/root/.ssh") if "xentui-bak" in n]) == 1
    finally:
        await cl.close()
    # what xl migrate runs now gets through from the source to the target
    hop = await ssh(lab, "xen_host_1", "ssh -o BatchMode=yes xen_host_3 hostname")
    assert (hop.exit_status, hop.stdout) == (0, "xen_host_3\n"), hop.stderr


async def test_a_target_down_is_for_the_presenter_in_ssh_words(lab_factory) -> None:
    lab = await lab_factory(toolstack="xl", hosts=3)
    cl = Checklist(lab.config)
    try:
        await cl.run_all()
        assert cl.results["relocation"].status is Status.PASSED
        await lab.stop_host("xen_host_3")
        down = await cl.run_step("relocation")
        assert down.status is Status.FAILED
        [bad] = [f for f in down.findings if f.status is Status.FAILED]
        assert bad.found == "ssh: connect to host xen_host_3 port 22: Connection refused"
        plan = await cl.plan_fix("relocation")
        assert not plan.runnable
        assert "xen_host_3: ssh xen_host_3 needs a password or fails: ssh: connect" in (
            plan.instructions
        )
    finally:
        await cl.close()


async def test_a_private_key_without_its_pub_is_left_to_the_presenter(lab_factory) -> None:
    lab = await lab_factory(toolstack="xl", fresh=True)
    vfs = lab.host("xen_host_1").vfs
    vfs.mkdir("/root/.ssh")
    vfs.write("/root/.ssh/id_rsa", "-----BEGIN RSA PRIVATE KEY-----\nx\n")
    cl = Checklist(lab.config)
    try:
        await cl.run_all()
        assert cl.results["ssh-key"].status is Status.FAILED
        assert "/root/.ssh/id_rsa has no .pub beside it" in cl.results["ssh-key"].reason
        plan = await cl.plan_fix("ssh-key")
        assert not plan.runnable  # a new key would not be the one in use: never overwritten
        assert "ssh-keygen -y -f /root/.ssh/id_rsa > /root/.ssh/id_rsa.pub" in plan.instructions
    finally:
        await cl.close()
    assert vfs.read_text("/root/.ssh/id_rsa") == "-----BEGIN RSA PRIVATE KEY-----\nx\n"


async def test_a_surprise_while_fixing_is_a_failed_fix_in_words_not_a_silent_end(lab) -> None:
    """Text no channel can carry (a lone surrogate) stops the fix with a reason; nothing is lost."""
    from xentui.setup.results import FileEdit, FixPlan

    path = "/etc/xen/xentui-probe.txt"
    plan = FixPlan("guest-config", edits=(FileEdit("xen_host_1", path, "", "bad \udcff\n", False),))
    cl = Checklist(lab.config)
    try:
        outcome = await cl.apply_fix(plan)
    finally:
        await cl.close()
    assert not outcome.ok
    assert outcome.message.startswith("fix stopped: UnicodeEncodeError:"), outcome.message
    assert not lab.host("xen_host_1").vfs.exists(path)
