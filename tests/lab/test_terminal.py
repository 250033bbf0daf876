"""A person at a terminal (`ssh -t host`) gets echo and line editing from the lab's sshd."""

from __future__ import annotations

import asyncio

from tests.lab.helpers import root_conn


async def test_a_terminal_session_echoes_and_runs_lines(lab) -> None:
    async with root_conn(lab, "xen_host_1") as conn:
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
