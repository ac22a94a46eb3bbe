# SPDX-License-Identifier: GPL-2.0
# The kernel's YNL client (cli.py's own main()) for a test's many
# requests in one interpreter: under TCG each start of python3 and each
# parse of the spec's YAML take a second or more. One request a line on
# stdin, its words as a JSON array (what would follow "cli.py"); for each,
# what the client printed, then "ynl-session-exit STATUS". "end" ends it.
import io
import json
import sys

sys.path.insert(0, '/ynl')
import yaml  # noqa: E402
import cli  # noqa: E402

parsed = {}
yaml_load = yaml.safe_load


def spec_once(stream):
    """yaml.safe_load of the spec, parsed once; each caller gets a copy."""
    text = stream.read()
    if text not in parsed:
        parsed[text] = json.dumps(yaml_load(text))
    return json.loads(parsed[text])


yaml.safe_load = spec_once
# (one stream, so that an error comes in order with the rest)
sys.stderr = sys.stdout
requests = sys.stdin
# (the client's exit() closes sys.stdin before it raises SystemExit)
sys.stdin = io.StringIO()
for line in requests:
    if line.strip() == 'end':
        break
    sys.argv = ['cli.py'] + json.loads(line)
    rc = 0
    try:
        cli.main()
    except SystemExit as e:
        rc = e.code if isinstance(e.code, int) else 1
    except Exception as e:  # what the client would die of, as its status
        print('%s: %s' % (type(e).__name__, e))
        rc = 1
    print('ynl-session-exit %d' % rc, flush=True)
