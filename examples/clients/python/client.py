"""Toolgate from Python: list the tenant's tools, then execute one.

    TOOLGATE_API_KEY=tg_... python3 client.py [tool] [arguments-json]

Needs grpcio, grpcio-tools and protobuf (Debian: python3-grpcio python3-grpc-tools
python3-protobuf). Stubs are generated from proto/ with protoc (grpc_tools) on each run into a
temporary directory, so they always match the contract. TOOLGATE_ADDRESS defaults to
127.0.0.1:50051; https://host:port speaks TLS, trusting the CA certificates in TOOLGATE_CA_FILE
(else the system's) and presenting TOOLGATE_CLIENT_CERT_FILE / TOOLGATE_CLIENT_KEY_FILE if set.
"""
import json
import os
import pathlib
import sys
import tempfile

import grpc
from grpc_tools import protoc

PROTO_ROOT = pathlib.Path(__file__).resolve().parents[3] / "proto" / "src" / "main" / "proto"


def generate_stubs(out_dir: str) -> None:
    include = pathlib.Path(protoc.__file__).parent / "_proto"
    args = ["protoc", f"-I{PROTO_ROOT}", f"-I{include}", f"--python_out={out_dir}", f"--grpc_python_out={out_dir}"]
    args += [str(p) for p in sorted((PROTO_ROOT / "toolgate" / "v1").glob("*.proto"))]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed to generate the Python stubs")


def read_optional(variable: str):
    path = os.environ.get(variable)
    if not path:
        return None
    with open(path, "rb") as f:
        return f.read()


def open_channel(address: str) -> grpc.Channel:
    if address.startswith("https://"):
        credentials = grpc.ssl_channel_credentials(
            root_certificates=read_optional("TOOLGATE_CA_FILE"),
            private_key=read_optional("TOOLGATE_CLIENT_KEY_FILE"),
            certificate_chain=read_optional("TOOLGATE_CLIENT_CERT_FILE"))
        return grpc.secure_channel(address[len("https://"):].rstrip("/"), credentials)
    return grpc.insecure_channel(address.removeprefix("http://").rstrip("/"))


def main() -> int:
    key = os.environ.get("TOOLGATE_API_KEY")
    if not key:
        print("TOOLGATE_API_KEY is not set (./toolgate demo prints one)", file=sys.stderr)
        return 1
    address = os.environ.get("TOOLGATE_ADDRESS", "127.0.0.1:50051")
    tool = sys.argv[1] if len(sys.argv) > 1 else "support_desk.create_support_case"
    arguments = sys.argv[2] if len(sys.argv) > 2 else json.dumps(
        {"customer_id": "acme", "summary": "Printer on fire (Python client)", "priority": "high"})

    with tempfile.TemporaryDirectory() as gen:
        generate_stubs(gen)
        sys.path.insert(0, gen)
        from toolgate.v1 import tool_pb2, tool_pb2_grpc  # noqa: E402 (generated above)

        metadata = (("authorization", f"Bearer {key}"),)
        with open_channel(address) as channel:
            stub = tool_pb2_grpc.ToolServiceStub(channel)
            try:
                for t in stub.ListTools(tool_pb2.ListToolsRequest(), metadata=metadata, timeout=30).tools:
                    print(f"tool {t.name} (v{t.version}): {t.description}")
                res = stub.ExecuteTool(tool_pb2.ExecuteToolRequest(tool=tool, arguments_json=arguments),
                                       metadata=metadata, timeout=30)
            except grpc.RpcError as err:
                print(f"error: {err.code().name}: {err.details()}", file=sys.stderr)
                return 1
            print(f"call {res.call_id}: {tool_pb2.CallStatus.Name(res.status)}, upstream HTTP {res.upstream_status}")
            print(res.result_json)
            return 2 if res.is_error else 0


if __name__ == "__main__":
    sys.exit(main())
