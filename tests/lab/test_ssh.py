"""`ssh`, `ssh-keygen` and `ssh-copy-id` between lab hosts, and `xl migrate` that needs them."""

from __future__ import annotations

from tests.lab.helpers import assert_one_guest, ssh

DENIED = "Permission denied (publickey,gssapi-keyex,gssapi-with-mic,password).\n"
BATCH = "ssh -o BatchMode=yes -o ConnectTimeout=5"


async def test_ready_hosts_reach_each_other_and_relay_output_and_status(lab_factory) -> None:
    lab = await lab_factory(toolstack="xl", hosts=3)
    for src, dst in (("xen_host_1", "xen_host_2"), ("xen_host_3", "xen_host_1")):
        ok = await ssh(lab, src, f"{BATCH} {dst} true")
        assert (ok.exit_status, ok.stdout, ok.stderr) == (0, "", "")
        name = await ssh(lab, src, f"ssh root@{dst} hostname")
        assert name.stdout == f"{dst}\n"
    failed = await ssh(lab, "xen_host_1", "ssh -p 22 xen_host_2 false")
    assert failed.exit_status == 1
    missing = await ssh(lab, "xen_host_1", "ssh xen_host_2 nosuch")
    assert (missing.exit_status, missing.stderr) == (127, "bash: nosuch: command not found\n")
    listed = await ssh(lab, "xen_host_1", "ssh xen_host_2 xl list")
    assert listed.stdout.splitlines()[1].split()[0] == "Domain-0"
    # stdin goes through, and the command line is the target shell's to parse
    await ssh(lab, "xen_host_1", "ssh xen_host_2 'cat > /root/note'", input="hello\n")
    assert lab.host("xen_host_2").vfs.read_text("/root/note") == "hello\n"
    assert not lab.host("xen_host_1").vfs.exists("/root/note")


async def test_unknown_name_down_host_and_bad_usage_say_what_openssh_says(lab_factory) -> None:
    lab = await lab_factory(toolstack="xl")
    unknown = await ssh(lab, "xen_host_1", f"{BATCH} nosuch true")
    assert unknown.exit_status == 255
    assert unknown.stderr == "ssh: Could not resolve hostname nosuch: Name or service not known\n"
    other_port = await ssh(lab, "xen_host_1", "ssh -p 2222 xen_host_2 true")
    assert other_port.stderr == "ssh: connect to host xen_host_2 port 2222: Connection refused\n"
    bad_opt = await ssh(lab, "xen_host_1", "ssh -o Bogus=1 xen_host_2 true")
    assert bad_opt.exit_status == 255 and "Bad configuration option: Bogus" in bad_opt.stderr
    bare = await ssh(lab, "xen_host_1", "ssh")
    assert bare.exit_status == 255 and bare.stderr.startswith("usage: ssh ")
    await lab.stop_host("xen_host_2")
    down = await ssh(lab, "xen_host_1", f"{BATCH} xen_host_2 true")
    assert down.exit_status == 255
    assert down.stderr == "ssh: connect to host xen_host_2 port 22: Connection refused\n"
    await lab.start_host("xen_host_2")
    assert (await ssh(lab, "xen_host_1", f"{BATCH} xen_host_2 true")).exit_status == 0


async def test_fresh_hosts_have_no_key_and_are_denied(lab_factory) -> None:
    lab = await lab_factory(toolstack="xl", fresh=True)
    assert not lab.host("xen_host_1").vfs.exists("/root/.ssh")
    batch = await ssh(lab, "xen_host_1", f"{BATCH} xen_host_2 true")
    assert (batch.exit_status, batch.stderr) == (255, DENIED)
    # no tty to ask a password on: ssh tries empty ones, then gives up the same way
    prompt = await ssh(lab, "xen_host_1", "ssh xen_host_2 true")
    assert prompt.exit_status == 255
    assert prompt.stderr == "Permission denied, please try again.\n" * 2 + DENIED


async def test_keygen_and_copy_id_then_ssh_works_one_way(lab_factory) -> None:
    lab = await lab_factory(toolstack="xl", fresh=True)
    made = await ssh(lab, "xen_host_1", "ssh-keygen -t rsa -N '' -f /root/.ssh/id_rsa")
    assert made.exit_status == 0, made.stderr
    assert "Your public key has been saved in /root/.ssh/id_rsa.pub." in made.stdout
    public = lab.host("xen_host_1").vfs.read_text("/root/.ssh/id_rsa.pub")
    assert public.startswith("ssh-rsa AAAAB3NzaC1yc2EAAAADAQAB")  # e=65537, as real RSA keys
    assert public.endswith(" root@xen_host_1\n")
    assert "SHA256:" in made.stdout
    copied = await ssh(lab, "xen_host_1", "ssh-copy-id root@xen_host_2")
    assert copied.exit_status == 0, copied.stderr
    assert "Number of key(s) added: 1" in copied.stdout
    assert copied.stderr.startswith("/usr/bin/ssh-copy-id: INFO: Source of key(s) to be installed")
    keys = lab.host("xen_host_2").vfs.read_text("/root/.ssh/authorized_keys")
    assert keys == public
    assert (await ssh(lab, "xen_host_1", f"{BATCH} xen_host_2 true")).exit_status == 0
    back = await ssh(lab, "xen_host_2", f"{BATCH} xen_host_1 true")
    assert (back.exit_status, back.stderr) == (255, DENIED)
    again = await ssh(lab, "xen_host_1", "ssh-copy-id xen_host_2")
    assert again.exit_status == 0 and "All keys were skipped" in again.stderr
    assert lab.host("xen_host_2").vfs.read_text("/root/.ssh/authorized_keys") == keys
    nowhere = await ssh(lab, "xen_host_1", "ssh-copy-id nosuch")
    assert nowhere.exit_status == 1
    assert "ERROR: ssh: Could not resolve hostname nosuch" in nowhere.stderr


async def test_keygen_asks_on_stdin_and_a_passphrase_key_is_no_use_in_batch_mode(
    lab_factory,
) -> None:
    lab = await lab_factory(toolstack="xl", fresh=True)
    no_key = await ssh(lab, "xen_host_2", "ssh-copy-id xen_host_1")
    assert (no_key.exit_status, no_key.stderr) == (
        1,
        "/usr/bin/ssh-copy-id: ERROR: No identities found\n",
    )
    made = await ssh(lab, "xen_host_2", "ssh-keygen", input="\nsecret\nsecret\n")
    assert made.exit_status == 0
    assert "Enter file in which to save the key (/root/.ssh/id_rsa): " in made.stdout
    assert "Created directory '/root/.ssh'." in made.stdout
    assert "ENCRYPTED" in lab.host("xen_host_2").vfs.read_text("/root/.ssh/id_rsa")
    assert (await ssh(lab, "xen_host_2", "ssh-copy-id xen_host_1")).exit_status == 0
    denied = await ssh(lab, "xen_host_2", f"{BATCH} xen_host_1 true")
    assert (denied.exit_status, denied.stderr) == (255, DENIED)
    kept = await ssh(lab, "xen_host_2", "ssh-keygen -f /root/.ssh/id_rsa -N ''", input="n\n")
    assert kept.exit_status == 1 and "Overwrite (y/n)?" in kept.stdout
    mismatch = await ssh(lab, "xen_host_2", "ssh-keygen -f /root/.ssh/k2", input="a\nb\n")
    assert mismatch.exit_status == 1 and "Passphrases do not match." in mismatch.stdout


async def test_xl_migrate_without_a_key_fails_at_the_banner_and_the_guest_stays(
    lab_factory,
) -> None:
    lab = await lab_factory(toolstack="xl")
    await ssh(lab, "xen_host_2", "echo -n > /root/.ssh/authorized_keys")
    result = await ssh(lab, "xen_host_1", "xl migrate virt_server xen_host_2")
    assert result.exit_status == 1
    lines = result.stderr.splitlines()
    assert lines[-3] == DENIED.strip()
    assert lines[-2].startswith("libxl: error: libxl_utils.c:")
    assert lines[-2].endswith(
        "libxl_read_exactly: file/stream truncated reading banner from migration receiver stream"
    )
    assert lines[-1].endswith("exited with error status 255")
    assert lab.where_is_guest() == "xen_host_1"
    assert_one_guest(lab)
    assert not lab.guest.migrating and lab.ground_truth.migrations == []
    row = next(r.split() for r in (await ssh(lab, "xen_host_1", "xl list")).stdout.splitlines()[1:])
    assert row[0] == "Domain-0"
    listed = (await ssh(lab, "xen_host_1", "xl list virt_server")).stdout.splitlines()
    assert "p" not in listed[1].split()[4]  # still running, not paused
    # xm uses xend's relocation port, not ssh: unaffected by the keys
    xm_lab = await lab_factory(fresh=False)
    await ssh(xm_lab, "xen_host_2", "echo -n > /root/.ssh/authorized_keys")
    moved = await ssh(xm_lab, "xen_host_1", "xm migrate -l virt_server xen_host_2")
    assert moved.exit_status == 0 and xm_lab.where_is_guest() == "xen_host_2"
