"""Expands template.yaml through the SAM translator (the one cfn-lint
uses) and prints the CloudFormation that is deployed, as JSON.
Local CodeUri folders become S3 URIs, as `sam package` makes them."""
import json
import os
import sys

os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-2")
from samtranslator.translator.transform import transform  # noqa: E402
from samtranslator.yaml_helper import yaml_parse  # noqa: E402


class NoManagedPolicies:
    def load(self):
        return {}


with open(sys.argv[1]) as f:
    sam = yaml_parse(f.read())
for name, res in sam.get("Resources", {}).items():
    props = res.get("Properties") or {}
    uri = props.get("CodeUri")
    if res.get("Type") == "AWS::Serverless::Function" and isinstance(uri, str) and not uri.startswith("s3://"):
        props["CodeUri"] = "s3://artifacts/" + name + ".zip"
out = transform(sam, {"AWS::Region": "eu-west-2", "AWS::AccountId": "123456789012", "AWS::Partition": "aws"}, NoManagedPolicies())
json.dump(out, sys.stdout, indent=1, default=str)
