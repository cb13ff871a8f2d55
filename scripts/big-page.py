#!/usr/bin/env python3
"""Writes a synthetic ECS reference page with N request params (and N/4 response fields) of every
shape the emitter knows: scalars with rules, a secret, repeated lists, nested lists and a JSON array.
Used by scripts/measure-big-page.sh and the ignored compile test; nothing here is committed output.

    scripts/big-page.py N OUT_FILE
"""
import sys

n, out = int(sys.argv[1]), sys.argv[2]
rows = [
    "|Parameter|Type|Required|Example|Description|",
    "|---------|----|--------|-------|-----------|",
    "|RegionId|String|Yes|cn-hangzhou|The region ID.|",
    "|Password|String|No|Abc123!!|The password. It must be 8 to 30 characters in length.|",
    "|Tag.N.Key|String|No|k|The key of tag N. Valid values of N: 1 to 20. It cannot start with aliyun.|",
    "|Tag.N.Value|String|No|v|The value of tag N. It can be up to 128 characters in length.|",
    "|InstanceIds|String|No|[\"i-1\"]|The instance IDs, a JSON array of up to 100 IDs.|",
]
for i in range(n):
    kind = i % 4
    if kind == 0:
        rows.append(f"|Param{i}|String|No|abc|Parameter {i}. It must be 2 to 128 characters in length.|")
    elif kind == 1:
        rows.append(f"|Param{i}|Integer|No|5|Parameter {i}. Valid values: 1 to 100.|")
    elif kind == 2:
        rows.append(f"|Param{i}|Boolean|No|true|Parameter {i}.|")
    else:
        rows.append(f"|Item{i}.N|String|No|x|Item {i}. Valid values of N: 1 to 10.|")
resp = [
    "|Parameter|Type|Example|Description|",
    "|---------|----|-------|-----------|",
    "|RequestId|String|473469C7|The request ID.|",
]
for i in range(n // 4):
    resp.append(f"|Field{i}|{['String', 'Integer'][i % 2]}|1|Field {i}.|")
page = (
    "# DescribeHuge\n\nDescribes a huge thing.\n\n## Request parameters\n\n"
    + "\n".join(rows)
    + "\n\n## Response parameters\n\n"
    + "\n".join(resp)
    + "\n"
)
with open(out, "w") as f:
    f.write(page)
