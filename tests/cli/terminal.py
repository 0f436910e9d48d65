"""Runs a command with a pseudo-terminal as its standard input, as a person at a terminal
would; stdout and stderr pass through. Lines written to this script's standard input are typed
into the terminal. Exits with the command's exit code.

Usage: python3 terminal.py COMMAND [ARG...]"""
import os
import pty
import subprocess
import sys
import threading

master, slave = pty.openpty()
child = subprocess.Popen(sys.argv[1:], stdin=slave)
os.close(slave)


def type_lines():
    for line in sys.stdin:
        os.write(master, line.encode())


def drain_echo():
    try:
        while os.read(master, 1024):
            pass
    except OSError:
        pass


threading.Thread(target=type_lines, daemon=True).start()
threading.Thread(target=drain_echo, daemon=True).start()
sys.exit(child.wait())
