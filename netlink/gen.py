#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Make the C code of the tmon netlink family from its YNL spec.

    netlink/gen.py [--check] [--schema genetlink-legacy.yaml]

Writes, from netlink/tmon.yaml:
  src/tmon_genl.h               uapi: name, version, enums, the records
  src/netlink_gen.h, .c         the module's per-command policies and ops
  tools/include/tmon_genl_model.h  what user space needs to check a
                                message: each attribute's type and size,
                                each command's request and reply attributes
--check compares instead of writing, and fails on any difference.

The kernel's ynl-gen-c.py makes split ops, which 6.1 lacks, and its
per-op mode covers only "do" requests; genl_ops with a policy and a
maxattr per command work from 6.1 on, so this small generator makes them.
"""
import argparse
import os
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = os.path.join(ROOT, 'netlink', 'tmon.yaml')
HEAD = 'Do not edit: made from netlink/tmon.yaml by netlink/gen.py.'


def c_upper(name):
    return name.upper().replace('-', '_')


def c_lower(name):
    return name.lower().replace('-', '_')


class Family:
    def __init__(self, spec):
        self.spec = spec
        self.name = spec['name']
        self.defs = {d['name']: d for d in spec.get('definitions', [])}
        self.sets = {s['name']: s for s in spec['attribute-sets']}
        main = [s for s in spec['attribute-sets'] if 'subset-of' not in s]
        if len(main) != 1:
            sys.exit('gen.py: one attribute set (and its subsets) expected')
        self.aset = main[0]
        self.attrs = {}		# name -> (value, attr)
        value = 1
        for a in self.aset['attributes']:
            value = a.get('value', value)
            self.attrs[a['name']] = (value, a)
            value += 1
        self.mcgrps = [g['name'] for g in spec.get('mcast-groups', {}).get('list', [])]
        self.ops = []
        value = 1
        for op in spec['operations']['list']:
            value = op.get('value', value)
            self.ops.append((value, op))
            value += 1

    def attr_enum(self, name):
        return c_upper(self.aset['name-prefix'] + name)

    def cmd_enum(self, name):
        return c_upper(self.spec['operations']['name-prefix'] + name)

    def const(self, v):
        """A check's bound: a number, or the C name of a const."""
        if isinstance(v, int):
            return str(v)
        d = self.defs[v]
        return c_upper(d.get('name-prefix', self.name + '-') + v)

    def requests(self):
        """The commands a request can name: all but the events."""
        return [(v, op) for v, op in self.ops if 'event' not in op]

    def grp_name(self, name):
        return c_upper('%s-mcgrp-%s' % (self.name, name))

    def grp_enum(self, name):
        return c_upper('%s-nlgrp-%s' % (self.name, name))

    def max_attr(self):
        return c_upper(self.aset['attr-max-name'])

    def cnt_attr(self):
        return c_upper(self.aset['attr-cnt-name'])


def comment(lines, indent=''):
    """A C block comment of @lines (blank lines kept, tabs kept)."""
    out = [indent + '/*']
    for line in lines:
        sep = ' *' if line.startswith('\t') else ' * '
        out.append((indent + sep + line).rstrip())
    out.append(indent + ' */')
    return out


def wrap(words, first, cont='\t', width=72, sep=','):
    """@first and then @words joined by @sep, folded into lines of @width."""
    lines, cur = [], first
    for i, w in enumerate(words):
        w += sep if i < len(words) - 1 else ''
        if len(cur.expandtabs(8)) + 1 + len(w) > width:
            lines.append(cur)
            cur = cont + w
        else:
            cur += (' ' if cur and cur[-1] not in '\t' else '') + w
    return lines + [cur]


def doc_lines(text):
    return text.rstrip('\n').split('\n')


def attr_type_str(fam, a):
    t = a['type']
    if t == 'binary' and 'struct' in a:
        return 'struct tmon_' + c_lower(a['struct'])
    if t == 'nest':
        return 'nest'
    if 'enum' in a:
        return t + ', ' + 'enum ' + fam.defs[a['enum']]['enum-name']
    return t


def gen_uapi(fam):
    s = fam.spec
    out = ['/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */',
           '/* ' + HEAD + ' */', '#ifndef _TMON_GENL_H', '#define _TMON_GENL_H', '',
           '#include <linux/types.h>', '']
    for name, d in fam.defs.items():
        if 'header' in d:
            continue
        if d['type'] == 'enum':
            out.append('enum ' + d['enum-name'] + ' {')
            for i, e in enumerate(d['entries']):
                v = d.get('value-start', 0) + i
                out.append('\t' + c_upper(d['name-prefix'] + e) + (' = %d,' % v if i == 0 and v else ','))
            if d.get('render-max'):
                last = c_upper(d['name-prefix'] + 'max')
                out += ['', '\t/* private: */', '\t__' + last + ',', '\t%s = (__%s - 1)' % (last, last)]
            out += ['};', '']
        elif d['type'] == 'struct':
            out += comment(doc_lines(d['doc']))
            out.append('struct tmon_' + c_lower(name) + ' {')
            for m in d['members']:
                if m['type'] == 'binary':
                    out.append('\tchar %s[%d];' % (c_lower(m['name']), m['len']))
                else:
                    out.append('\t__%s %s;' % (m['type'], c_lower(m['name'])))
            out += ['};', '']
    out += comment(['Generic netlink family "%s".' % fam.name, ''] + doc_lines(s['doc']) +
                   ['', 'Commands: what each does, its request and its reply attributes.'] +
                   sum([['', '%s (%s):' % (fam.cmd_enum(op['name']), op_mode(op))] +
                        ['\t' + x for x in doc_lines(op['doc'])] +
                        wrap([fam.attr_enum(x) for x in req_attrs(op)] or ['none'],
                             '\tRequest:') +
                        wrap([fam.attr_enum(x) for x in reply_attrs(op)] or ['none'],
                             '\tReply:') for _, op in fam.ops], []))
    out += ['#define %s\t\t"%s"' % (c_upper(s['c-family-name']), fam.name),
            '#define %s\t%d' % (c_upper(s['c-version-name']), s['version']), '']
    out += ['#define %s\t\t"%s"' % (fam.grp_name(g), g) for g in fam.mcgrps] + ['']
    prefix = s['operations']['name-prefix']
    out.append('enum ' + s['operations']['enum-name'] + ' {')
    out.append('\t' + c_upper(prefix + 'unspec') + ',')
    for v, op in fam.ops:
        out.append('\t' + fam.cmd_enum(op['name']) + ',')
    out += ['', '\t' + c_upper(s['cmd-cnt-name']), '};', '',
            '#define %s\t\t(%s - 1)' % (c_upper(s['cmd-max-name']), c_upper(s['cmd-cnt-name'])), '']
    attr_doc = ['Attributes (type: meaning):']
    for name, (v, a) in fam.attrs.items():
        if a['type'] == 'pad':
            continue
        attr_doc += ['', '@%s (%s):' % (fam.attr_enum(name), attr_type_str(fam, a))]
        attr_doc += ['\t' + x for x in doc_lines(a.get('doc', ''))]
        if a['type'] == 'nest':
            attr_doc += wrap([fam.attr_enum(x['name'])
                              for x in fam.sets[a['nested-attributes']]['attributes']],
                             '\tHolding')
    out += comment(attr_doc)
    out.append('enum ' + fam.aset['enum-name'] + ' {')
    out.append('\t' + fam.attr_enum('unspec') + ',')
    for name in fam.attrs:
        out.append('\t' + fam.attr_enum(name) + ',')
    out += ['', '\t' + fam.cnt_attr(), '};', '',
            '#define %s\t\t(%s - 1)' % (fam.max_attr(), fam.cnt_attr()), '',
            '#endif /* _TMON_GENL_H */']
    return '\n'.join(out) + '\n'


def op_mode(op):
    """do, dump, or 'event to GROUP'."""
    if 'event' in op:
        return 'event to group ' + op['mcgrp']
    return 'do' if 'do' in op else 'dump'


def req_attrs(op):
    for mode in ('do', 'dump'):
        if mode in op:
            return op[mode].get('request', {}).get('attributes', [])
    return []


def reply_attrs(op):
    if 'event' in op:
        return op['event'].get('attributes', [])
    for mode in ('do', 'dump'):
        if mode in op:
            return op[mode].get('reply', {}).get('attributes', [])
    return []


def handler(op, what):
    mode = 'do' if 'do' in op else 'dump'
    if what in ('pre', 'post'):
        name = op[mode].get(what)
        return c_lower(name) if name else None
    return c_lower('tmon-nl-%s-%sit' % (op['name'], mode))


def policy_entry(fam, name):
    v, a = fam.attrs[name]
    t = {'u8': 'NLA_U8', 'u32': 'NLA_U32', 'u64': 'NLA_U64', 'string': 'NLA_NUL_STRING',
         'binary': 'NLA_BINARY'}[a['type']]
    checks = a.get('checks', {})
    if 'min' in checks and 'max' in checks:
        return 'NLA_POLICY_FULL_RANGE(%s, &%s_range)' % (t, c_lower(fam.attr_enum(name)))
    if 'min' in checks:
        return 'NLA_POLICY_MIN(%s, %s)' % (t, fam.const(checks['min']))
    if 'max' in checks:
        return 'NLA_POLICY_MAX(%s, %s)' % (t, fam.const(checks['max']))
    return '{ .type = %s }' % t


def policies(fam):
    """One policy per distinct request: (name, attrs, [ops])."""
    pols = {}
    for _, op in fam.requests():
        key = tuple(sorted(req_attrs(op), key=lambda n: fam.attrs[n][0]))
        if key not in pols:
            pols[key] = ('tmon_%s_nl_policy' % c_lower(op['name']) if key else
                         'tmon_reject_all_nl_policy')
    return pols


def gen_kernel_h(fam):
    out = ['/* SPDX-License-Identifier: GPL-2.0 */', '/* ' + HEAD + ' */',
           '#ifndef _TMON_NETLINK_GEN_H', '#define _TMON_NETLINK_GEN_H', '',
           '#include <net/genetlink.h>', '', '#include "tmon_abi.h"', '',
           'extern const struct genl_ops tmon_nl_ops[%d];' % len(fam.requests()), '']
    if fam.mcgrps:
        out += ['enum tmon_nl_mcgrp {'] + ['\t%s,' % fam.grp_enum(g) for g in fam.mcgrps]
        out += ['};', '', 'extern const struct genl_multicast_group tmon_nl_mcgrps[%d];' %
                len(fam.mcgrps), '']
    seen = set()
    for _, op in fam.requests():
        mode = 'do' if 'do' in op else 'dump'
        args = ('struct sk_buff *skb, struct genl_info *info' if mode == 'do' else
                'struct sk_buff *skb, struct netlink_callback *cb')
        out.append('int %s(%s);' % (handler(op, 'main'), args))
        for hook in ('pre', 'post'):
            h = handler(op, hook)
            if h and h not in seen:
                seen.add(h)
                out.append('int %s(struct netlink_callback *cb);' % h)
    out += ['', '#endif /* _TMON_NETLINK_GEN_H */']
    return '\n'.join(out) + '\n'


def gen_kernel_c(fam):
    out = ['// SPDX-License-Identifier: GPL-2.0', '/* ' + HEAD + ' */',
           '#include "netlink_gen.h"', '']
    for name, (v, a) in fam.attrs.items():
        checks = a.get('checks', {})
        if 'min' in checks and 'max' in checks:
            out += ['/* Not const: before 6.2 a policy holds a non-const pointer to it. */',
                    'static struct netlink_range_validation %s_range = {' %
                    c_lower(fam.attr_enum(name)),
                    '\t.min = %s,' % fam.const(checks['min']),
                    '\t.max = %s,' % fam.const(checks['max']), '};', '']
    pols = policies(fam)
    for key, pname in pols.items():
        if not key:
            out += ['/* A command without request attributes refuses any. */',
                    'static const struct nla_policy %s[%s + 1] = {' %
                    (pname, fam.attr_enum('pad')),
                    '\t[%s] = { .type = NLA_REJECT },' % fam.attr_enum('pad'), '};', '']
            continue
        last = max(key, key=lambda n: fam.attrs[n][0])
        out.append('static const struct nla_policy %s[%s + 1] = {' %
                   (pname, fam.attr_enum(last)))
        for n in key:
            out.append('\t[%s] = %s,' % (fam.attr_enum(n), policy_entry(fam, n)))
        out += ['};', '']
    if fam.mcgrps:
        out += ['/* Every group is an admin\'s, as every privilege of the family. */',
                'const struct genl_multicast_group tmon_nl_mcgrps[%d] = {' % len(fam.mcgrps)]
        for g in fam.mcgrps:
            out += ['\t[%s] = {' % fam.grp_enum(g), '\t\t.name\t= %s,' % fam.grp_name(g),
                    '\t\t.flags\t= GENL_MCAST_CAP_SYS_ADMIN,', '\t},']
        out += ['};', '']
    out.append('const struct genl_ops tmon_nl_ops[%d] = {' % len(fam.requests()))
    for _, op in fam.requests():
        key = tuple(sorted(req_attrs(op), key=lambda n: fam.attrs[n][0]))
        mode = 'do' if 'do' in op else 'dump'
        out += ['\t{', '\t\t.cmd\t\t= %s,' % fam.cmd_enum(op['name'])]
        if mode == 'dump' and handler(op, 'pre'):
            out.append('\t\t.start\t\t= %s,' % handler(op, 'pre'))
        out.append('\t\t.%sit\t\t= %s,' % (mode, handler(op, 'main')))
        if mode == 'dump' and handler(op, 'post'):
            out.append('\t\t.done\t\t= %s,' % handler(op, 'post'))
        out.append('\t\t.policy\t\t= %s,' % pols[key])
        last = max(key, key=lambda n: fam.attrs[n][0]) if key else 'pad'
        out += ['\t\t.maxattr\t= %s,' % fam.attr_enum(last), '\t},']
    out.append('};')
    return '\n'.join(out) + '\n'


def mask(fam, names, first, cont, last):
    """Lines of C: the bit mask of attributes @names."""
    lines = wrap(['B(%s)' % fam.attr_enum(n) for n in names] or ['0'], first, cont,
                 width=90, sep=' |')
    lines[-1] += last
    return lines


def gen_model(fam):
    kinds = {'pad': 'PAD', 'u8': 'U8', 'u32': 'U32', 'u64': 'U64', 'string': 'STRING',
             'nest': 'NEST', 'binary': 'BINARY'}
    out = ['/* SPDX-License-Identifier: GPL-2.0 */', '/* ' + HEAD + ' */',
           '/*', ' * The netlink family as user space checks it: every attribute\'s type and',
           ' * payload size, every command\'s request and reply attributes.', ' */',
           '#ifndef _TMON_GENL_MODEL_H', '#define _TMON_GENL_MODEL_H', '',
           '#include "../../src/tmon_abi.h"', '',
           'enum tmon_genl_kind {', '\tTMON_GENL_NONE,']
    out += ['\tTMON_GENL_%s,' % k for k in kinds.values()]
    out += ['};', '',
            'struct tmon_genl_attr {', '\tconst char *name;', '\tenum tmon_genl_kind kind;',
            '\tunsigned int len;\t/* payload bytes; 0: any (string, nest) */',
            '\tint multi;\t\t/* may appear more than once (multi-attr) */', '};', '',
            '#define B(a) (1ULL << (a))',
            '_Static_assert(%s < 64, "attribute masks are 64 bits");' % fam.max_attr(), '',
            'static const struct tmon_genl_attr tmon_genl_attrs[%s + 1] = {' % fam.max_attr()]
    for name, (v, a) in fam.attrs.items():
        t = a['type']
        if t == 'binary':
            size = 'sizeof(struct tmon_%s)' % c_lower(a['struct'])
        else:
            size = {'u8': '1', 'u32': '4', 'u64': '8'}.get(t, '0')
        out.append('\t[%s] = {' % fam.attr_enum(name))
        out.append('\t\t"%s", TMON_GENL_%s, %s, %d },' % (name, kinds[t], size,
                                                        1 if a.get('multi-attr') else 0))
    out += ['};', '']
    for sname, sset in fam.sets.items():
        if 'subset-of' in sset:
            out += ['/* The attributes of a %s nest. */' % sname,
                    'static const unsigned long long tmon_genl_%s_attrs =' % c_lower(sname)]
            out += mask(fam, [x['name'] for x in sset['attributes']], '\t', '\t', ';') + ['']
    out += ['struct tmon_genl_cmd {', '\tconst char *name;', '\tint dump;',
            '\tunsigned long long request, reply;\t/* attribute masks */', '};', '',
            'static const struct tmon_genl_cmd tmon_genl_cmds[%s + 1] = {' %
            c_upper(fam.spec['cmd-max-name'])]
    for _, op in fam.ops:
        out.append('\t[%s] = { "%s", %d,' % (fam.cmd_enum(op['name']), op['name'],
                                              'dump' in op))
        out += mask(fam, req_attrs(op), '\t\t', '\t\t', ',')
        out += mask(fam, reply_attrs(op), '\t\t', '\t\t', ' },')
    out += ['};', '', '#undef B', '', '#endif /* _TMON_GENL_MODEL_H */']
    return '\n'.join(out) + '\n'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--check', action='store_true')
    ap.add_argument('--schema', help="the kernel's genetlink-legacy.yaml to validate against")
    args = ap.parse_args()
    with open(SPEC) as f:
        spec = yaml.safe_load(f)
    if args.schema:
        import jsonschema
        with open(args.schema) as f:
            jsonschema.validate(spec, yaml.safe_load(f))
    fam = Family(spec)
    files = {'src/tmon_genl.h': gen_uapi(fam), 'src/netlink_gen.h': gen_kernel_h(fam),
             'src/netlink_gen.c': gen_kernel_c(fam),
             'tools/include/tmon_genl_model.h': gen_model(fam)}
    stale = []
    for path, text in files.items():
        full = os.path.join(ROOT, path)
        old = open(full).read() if os.path.exists(full) else None
        if old == text:
            continue
        if args.check:
            stale.append(path)
        else:
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, 'w') as f:
                f.write(text)
            print('wrote', path)
    if stale:
        sys.exit('gen.py: not what netlink/tmon.yaml makes (run make netlink): ' +
                 ' '.join(stale))


if __name__ == '__main__':
    main()
