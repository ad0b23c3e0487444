"""A real SMTP server for MailTests: aiosmtpd on a free port of 127.0.0.1.

Writes the port it listens on to --port-file once it accepts connections, and each message it takes to
--messages as one JSON file: the envelope, how the client authenticated, whether the connection was
encrypted, the raw message (base64) and what Python's e-mail parser makes of it.

Replies it can be made to give: RCPT TO an address whose local part starts with "reject" gets 550,
one starting with "defer" gets 451; a message from an address starting with "refuse-data" gets 554
after the final dot. --no-ehlo answers EHLO with 502 (a HELO-only server); --silent accepts
connections and never says a word; --hang-up greets and closes the connection;
--inject-after-starttls answers STARTTLS with 220 and, in the same packet, a forged "250" in clear (the
attack of RFC 3207 section 5 and CVE-2011-0411).

Needs aiosmtpd (python3 -m pip install aiosmtpd). Stops on SIGTERM.
"""

import argparse
import asyncio
import base64
import email
import email.policy
import json
import os
import signal
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult


def main():
    # A child inherits the signal mask of the thread that started it, and the test runner's threads
    # block most signals: unblock them, or SIGTERM from the test would wait forever.
    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    # aiosmtpd warns about its own legacy login_data on every AUTH.
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    parser = argparse.ArgumentParser()
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--messages", required=True)
    parser.add_argument("--port", type=int, default=0, help="listen on this port (default: a free one)")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--starttls", action="store_true", help="offer STARTTLS with --cert/--key")
    parser.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte with --cert/--key")
    parser.add_argument("--auth", help="user:password the server accepts")
    parser.add_argument("--auth-exclude", action="append", default=[], help="mechanism not to offer")
    parser.add_argument("--auth-require-tls", action="store_true")
    parser.add_argument("--no-ehlo", action="store_true")
    parser.add_argument("--silent", action="store_true")
    parser.add_argument("--hang-up", action="store_true")
    parser.add_argument(
        "--inject-after-starttls", action="store_true",
        help="offer STARTTLS and send a forged reply in clear right behind the 220 to it")
    options = parser.parse_args()
    asyncio.run(serve(options))


class Recorder:
    def __init__(self, directory, no_ehlo):
        self.directory = directory
        self.count = 0
        self.no_ehlo = no_ehlo

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        if self.no_ehlo:
            return ["502 5.5.1 EHLO not implemented"]
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.startswith("reject"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        if local.startswith("defer"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if envelope.mail_from.startswith("refuse-data"):
            return "554 5.6.0 message refused"
        raw = envelope.original_content or envelope.content
        message = email.message_from_bytes(raw, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        self.count += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "helo": session.host_name,
            # Which connection brought it: messages sent over one connection share it.
            "client_port": session.peer[1] if session.peer else None,
            "auth": session.auth_data if isinstance(session.auth_data, dict) else None,
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "raw": base64.b64encode(raw).decode("ascii"),
            "subject": header(message, "subject"),
            "from": header(message, "from"),
            "to": header(message, "to"),
            "reply_to": header(message, "reply-to"),
            "message_id": header(message, "message-id"),
            "date": header(message, "date"),
            "mime_version": header(message, "mime-version"),
            "content_type": message.get_content_type(),
            "charset": message.get_content_charset(),
            "transfer_encoding": str(message["content-transfer-encoding"]),
            "body": body.get_content() if body is not None else None,
            "defects": [type(defect).__name__ for defect in message.defects]
            + [type(defect).__name__ for part in message.walk() for defect in part.defects],
        }
        path = os.path.join(self.directory, "%04d.json" % self.count)
        with open(path + ".tmp", "w", encoding="utf-8") as file:
            json.dump(record, file, ensure_ascii=False)
        os.rename(path + ".tmp", path)
        return "250 2.0.0 OK queued as %d" % self.count


def header(message, name):
    """The decoded value of a header, None when it is missing."""
    value = message[name]
    return None if value is None else str(value)


def authenticator_for(credentials):
    user, password = credentials.split(":", 1)

    def authenticate(server, session, envelope, mechanism, auth_data):
        login = auth_data.login.decode("utf-8")
        ok = login == user and auth_data.password.decode("utf-8") == password
        return AuthResult(success=ok, handled=False, auth_data={"mechanism": mechanism, "login": login})

    return authenticate


async def serve(options):
    os.makedirs(options.messages, exist_ok=True)
    context = None
    if options.cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(options.cert, options.key)
    recorder = Recorder(options.messages, options.no_ehlo)
    loop = asyncio.get_running_loop()

    if options.silent or options.hang_up or options.inject_after_starttls:
        async def speak(reader, writer):
            if options.hang_up:
                writer.write(b"220 localhost ESMTP about to hang up\r\n")
                await writer.drain()
                writer.close()
                return
            if options.inject_after_starttls:
                writer.write(b"220 localhost ESMTP\r\n")
                while line := await reader.readline():
                    command = line.strip().upper()
                    if command.startswith(b"EHLO"):
                        writer.write(b"250-localhost\r\n250 STARTTLS\r\n")
                    elif command == b"STARTTLS":
                        writer.write(b"220 ready to start TLS\r\n250 forged in clear\r\n")
                    else:
                        writer.write(b"502 5.5.1 not here\r\n")
                    await writer.drain()
                writer.close()
                return
            await reader.read()
            writer.close()

        server = await asyncio.start_server(speak, "127.0.0.1", options.port)
    else:
        def factory():
            return SMTP(
                recorder,
                hostname="localhost",
                tls_context=context if options.starttls else None,
                authenticator=authenticator_for(options.auth) if options.auth else None,
                # Without --auth, AUTH is not offered in clear at all (aiosmtpd would offer it and refuse).
                auth_require_tls=options.auth_require_tls or not options.auth,
                auth_exclude_mechanism=options.auth_exclude,
                loop=loop,
            )

        server = await loop.create_server(
            factory, "127.0.0.1", options.port, ssl=context if options.implicit_tls else None)

    port = server.sockets[0].getsockname()[1]
    with open(options.port_file + ".tmp", "w") as file:
        file.write(str(port))
    os.rename(options.port_file + ".tmp", options.port_file)

    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    # Stop with the test process too, should it die without sending SIGTERM.
    parent = os.getppid()

    async def watch_parent():
        while not stop.is_set():
            if os.getppid() != parent:
                stop.set()
            await asyncio.sleep(0.5)

    watcher = asyncio.ensure_future(watch_parent())
    await stop.wait()
    watcher.cancel()
    server.close()


if __name__ == "__main__":
    sys.exit(main())
