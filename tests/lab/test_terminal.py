"""A person at a terminal (`ssh -t host`) gets echo and line editing from the lab's sshd."""

from __future__ import annotations

import asyncio

import asyncssh


async def test_a_terminal_session_echoes_and_runs_lines(lab) -> None:
    async with asyncssh.connect(
        "127.0.0.1",
        lab.ssh_port("xen_host_1"),
        username="root",
        client_keys=[str(lab.client_key_path)],
        known_hosts=str(lab.known_hosts_path),
    ) as conn:
        process = await conn.create_process(term_type="xterm", term_size=(100, 30))
        seen = ""

        async def until(text: str) -> None:
            nonlocal seen
            async with asyncio.timeout(15):
                while text not in seen:
                    seen += await process.stdout.read(4096)

        await until("[root@xen_host_1 ~]# ")
        process.stdin.write("xm lisx\x7ft\r")  # a typo fixed with backspace, then Enter
        await until("virt_server")
        assert "# xm lisx" in seen  # typing is echoed
        assert "Domain-0" in seen and "not found" not in seen  # the backspace edited the line
        process.stdin.write("exit\r")
        async with asyncio.timeout(15):
            await process.wait_closed()
