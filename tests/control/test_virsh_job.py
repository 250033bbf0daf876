"""A virsh migration through two real OpenSSH sshds: each one's `virsh` is a script that keeps
the guest in a state file both share, migrates it in steps, and answers domjobinfo as libvirt
9 prints it. The engine must send the target's migrate_uri, follow the job, and keep the
hypervisor's downtime on the record."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from tests.remote.sshd import RealSshd
from xentui.config import GuestConfig, LabConfig
from xentui.model import MigrationPhase, MigrationProgressEvent, NoticeEvent

URI = "qemu+unix:///session?socket=/run/xentui-lab/xen_host_2/libvirt-sock"

# `printf "%-17s %-12s\n"` is virsh's own vshPrint format (tools/virsh-domain.c)
VIRSH = r"""
S={state}; HOST={host}; OTHER={other}; NOT_RUNNING="domain is not running"
echo "$*" >> "$S/argv.$HOST"
row() {{ printf "%-17s $2\n" "$1" "${{@:3}}"; }}
where=$(cat "$S/where")
case "$1" in
list)
  printf " Id   Name          State\n------------------------------\n"
  if [ "$where" = "$HOST" ]; then printf " 1    virt_server   running\n"
  elif [ -e "$S/defined.$HOST" ]; then printf " -    virt_server   shut off\n"; fi ;;
domstate) [ "$where" = "$HOST" ] && printf "running\n\n" || printf "shut off\n\n" ;;
migrate)
  [ "$where" = "$HOST" ] || {{
    echo "error: Requested operation is not valid: $NOT_RUNNING" >&2; exit 1; }}
  for step in 1 2 3 4 5 6; do echo $step > "$S/step"; sleep 0.35; done
  touch "$S/defined.$HOST"; echo "$OTHER" > "$S/where"; rm -f "$S/step"; touch "$S/completed"
  echo "Migration: [100 %]" ;;
domjobinfo)
  if [ "$2" = "--completed" ] && [ -e "$S/stuck" ]; then
    echo "error: failed to get domain 'virt_server'" >&2; exit 1
  elif [ "$2" = "--completed" ]; then
    [ -e "$S/completed" ] || {{ row "Job type:" "%-12s" None; exit 0; }}
    row "Job type:" "%-12s" Completed; row "Operation:" "%-12s" "Outgoing migration"
    row "Time elapsed:" "%-12s ms" 2130; row "Data processed:" "%s %s" 91.023 MiB
    row "Data remaining:" "%s %s" 0.000 B; row "Data total:" "%s %s" 128.000 MiB
    row "Total downtime:" "%-12s ms" 14; row "Setup time:" "%-12s ms" 9
  elif [ -e "$S/step" ] && [ "$where" = "$HOST" ]; then
    n=$(cat "$S/step")
    row "Job type:" "%-12s" Unbounded; row "Operation:" "%-12s" "Outgoing migration"
    row "Time elapsed:" "%-12s ms" $((n * 350))
    row "Data processed:" "%s %s" $((n * 15)).000 MiB
    row "Data remaining:" "%s %s" $((128 - n * 15)).000 MiB
    row "Data total:" "%s %s" 128.000 MiB
    row "Memory bandwidth:" "%s %s/s" 42.500 MiB; row "Page size:" "%-12s bytes" 4096
    if [ -e "$S/stuck" ]; then row "Dirty rate:" "%-12s pages/s" 20000; row "Iteration:" "%-12s" $n
    else row "Dirty rate:" "%-12s pages/s" 120; row "Iteration:" "%-12s" 1; fi
    row "Expected downtime:" "%-12s ms" 30
  else row "Job type:" "%-12s" None; fi ;;
*) echo "error: unknown command '$1'" >&2; exit 1 ;;
esac
"""


def virsh_lab(tmp_path: Path, sshds: list[RealSshd]) -> LabConfig:
    state = tmp_path / "state"
    state.mkdir()
    (state / "where").write_text("xen_host_1\n")
    hosts = []
    names = ("xen_host_1", "xen_host_2")
    for name, other, sshd in zip(names, reversed(names), sshds, strict=True):
        sshd.put_tool("virsh", VIRSH.format(state=state, host=name, other=other))
        host = sshd.host_config(name, toolstack="virsh")
        hosts.append(dataclasses.replace(host, migrate_uri=URI) if name == "xen_host_2" else host)
    guest = GuestConfig(name="virt_server", stream_url="http://127.0.0.1:9/none.ogg")
    return LabConfig(path=tmp_path / "lab.toml", guest=guest, hosts=tuple(hosts))


async def test_a_virsh_migration_is_followed_with_domjobinfo(
    tmp_path, sshd_factory, engine_factory
) -> None:
    lab = virsh_lab(tmp_path, [sshd_factory(), sshd_factory()])
    engine, rec = await engine_factory(lab, interval=0.5)
    assert engine.guest_host() == "xen_host_1", engine.errors
    moved = await engine.migrate("xen_host_2")
    assert moved.ok, moved.message
    assert moved.result is not None
    assert moved.result.argv == ("virsh", "migrate", "--live", "virt_server", URI)
    record = await engine.wait_migration(20)
    assert record is not None and record.outcome is MigrationPhase.COMPLETED, record
    assert engine.guest_host() == "xen_host_2"

    readings = [e.record.progress for e in rec.of(MigrationProgressEvent) if e.record.progress]
    done = [p.job.data_processed for p in readings]
    assert len(readings) >= 3, readings  # ~2.1 s of job read every 0.5 s
    assert done == sorted(done) and done[-1] > done[0]  # the figures changed as it ran
    last = readings[-1]
    assert last.job.data_total == 128 * 1024 * 1024 and last.job.iteration == 1
    assert last.rate_bps == 42.5 * 1024 * 1024 and last.eta_s is not None
    assert not last.stuck and not rec.of(NoticeEvent)

    job = record.hypervisor
    assert job is not None and (job.total_downtime_ms, job.elapsed_ms) == (14, 2130)
    assert engine.link_bps == round(91.023 * 1024 * 1024) / 2.13
    state = tmp_path / "state"
    source, target = (
        (state / f"argv.{h}").read_text().splitlines() for h in ("xen_host_1", "xen_host_2")
    )
    asked = [line for line in source if line == "domjobinfo virt_server"]
    assert len(asked) >= 3 and "domjobinfo virt_server" not in target  # readings: the source's
    # the finished job's figures, after the command: where libvirt keeps them (either end)
    final = "domjobinfo --completed virt_server"
    assert final in source[source.index(f"migrate --live virt_server {URI}") :] + target


async def test_a_job_that_does_not_converge_is_said_once_in_plain_words(
    tmp_path, sshd_factory, engine_factory
) -> None:
    """20000 dirty pages/s (78 MiB/s) against 42.5 MiB/s sent, pass after pass; and a source
    that kept no completed job: libvirt's own words, and the migration still completes."""
    lab = virsh_lab(tmp_path, [sshd_factory(), sshd_factory()])
    (tmp_path / "state" / "stuck").touch()
    engine, rec = await engine_factory(lab, interval=0.5)
    moved = await engine.migrate("xen_host_2")
    assert moved.ok, moved.message
    record = await engine.wait_migration(20)
    assert record is not None and record.outcome is MigrationPhase.COMPLETED, record
    stuck = [e.record.progress.stuck for e in rec.of(MigrationProgressEvent) if e.record.progress]
    assert (
        "not converging: the guest dirties 78.1 MiB/s, as fast as the link sends (42.5 MiB/s)"
        in stuck
    )
    notices = [n.text for n in rec.of(NoticeEvent)]
    assert notices.count(f"virt_server: {next(s for s in stuck if s)}") == 1
    assert (
        "xen_host_1: no hypervisor figures for virt_server: "
        "error: failed to get domain 'virt_server'" in notices
    )
    assert record.hypervisor is None and engine.link_bps is None


def lab_file(lab: LabConfig) -> Path:
    """The same lab as a file, for the `xentui` command itself."""
    lines = ["[guest]", 'name = "virt_server"', f'stream_url = "{lab.guest.stream_url}"']
    for h in lab.hosts:
        s = h.ssh
        lines += ["[[host]]", f'name = "{h.name}"', 'toolstack = "virsh"']
        lines += [f'address = "{s.address}"', f"port = {s.port}", f'user = "{s.user}"']
        lines += [f'identity_file = "{s.identity_file}"', f'known_hosts = "{s.known_hosts}"']
        if h.migrate_uri:
            lines.append(f'migrate_uri = "{h.migrate_uri}"')
    lab.path.write_text("\n".join(lines) + "\n")
    return lab.path


async def test_ctl_migrate_prints_the_readings_and_the_hypervisors_figures(
    tmp_path, sshd_factory
) -> None:
    from tests.control.test_cli_hosts import xentui

    path = lab_file(virsh_lab(tmp_path, [sshd_factory(), sshd_factory()]))
    rc, out, err = await xentui("ctl", "migrate", "--to", "xen_host_2", "--config", str(path))
    assert rc == 0, out + err
    assert (
        f"migrate --live virt_server {URI}" in (tmp_path / "state" / "argv.xen_host_1").read_text()
    )
    readings = [line for line in err.splitlines() if " MiB sent · 42.5 MiB/s · pass 1" in line]
    assert readings and readings[0].startswith("  ") and "left" in readings[0]
    assert "hypervisor: migration took 2.13 s, paused the guest 14 ms, sent 91.0 MiB" in out
    assert out.index("completed in") < out.index("hypervisor:")
