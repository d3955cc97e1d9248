#!/usr/bin/env python3
"""Renders small Jinja snippets with Python Jinja2 configured like transformers (shared setup in
generate_expectations.py) and writes snippets.json: a differential check of expression, filter and
whitespace semantics beyond what the real templates exercise. Dev-time only:
    python3 generate_snippets.py > snippets.json
"""
import json, sys, importlib.util, os

spec = importlib.util.spec_from_file_location("gen", os.path.join(os.path.dirname(__file__), "generate_expectations.py"))
source = open(spec.origin).read().replace("\nmain()\n", "\n")
gen = {}
exec(compile(source, spec.origin, "exec"), gen)
env = gen["make_env"]()

VARS = {
    "msgs": [{"role": "system", "content": "sys"}, {"role": "user", "content": "hi", "n": 2},
             {"role": "assistant", "content": None, "tool_calls": [{"function": {"name": "f", "arguments": {"a": 1}}}]}],
    "d": {"b": 2, "a": 1, "c": {"x": [1, 2.5, True, None, "s"]}},
    "s": "  Hello, World!  ", "n": 7, "f": 2.5, "empty": [], "none": None, "text": "line1\nline2\n\nline4",
}

SNIPPETS = [
    "{{ 10 / 4 }} {{ 10 // 4 }} {{ -10 // 4 }} {{ 10 % -3 }} {{ 2 ** 3 ** 2 }} {{ 2 ** -1 }} {{ 1.5 * 2 }} {{ 7 - 2.0 }}",
    "{{ 1e-5 }} {{ 123456789012345678.0 }} {{ 0.1 * 3 }} {{ 100.0 }} {{ 1/3 }} {{ -0.0 }} {{ 1e16 }} {{ 1.5e-7 }}",
    "{{ n > 5 and n < 10 }} {{ 'a' < 'b' }} {{ [1, 2] < [1, 3] }} {{ 1 == true }} {{ none == none }} {{ 'a' != 'a' }}",
    "{{ s | trim }}|{{ s | length }}|{{ s.strip().lower() }}|{{ s.split(',') }}|{{ s | upper | trim }}",
    "{{ d | tojson }}|{{ d | tojson(indent=4) }}|{{ msgs[2] | tojson }}|{{ 'ü\\u0001\\t' | tojson }}",
    "{{ d | dictsort }}|{{ d | dictsort(by='value', reverse=true) if false else '' }}|{{ d.items() | list }}",
    "{{ d | items | list }}|{% for k, v in d | items %}{{ k }}{% endfor %}|{{ d | list }}|{{ d | length }}",
    "{{ msgs | map(attribute='role') | join('/') }}|{{ msgs | selectattr('content') | list | length }}|{{ msgs | rejectattr('content', 'none') | map(attribute='content') | list }}",
    "{{ msgs | selectattr('n', 'defined') | first }}|{{ (msgs | last).role }}|{{ msgs | map(attribute='n', default='-') | list }}",
    "{{ msgs[2].tool_calls[0].function.arguments | tojson }}|{{ msgs[-1]['role'] }}|{{ msgs[1:] | length }}",
    "{{ text | indent(4) }}|{{ text | indent(2, first=true, blank=true) }}|{{ text.splitlines() }}",
    "{{ 'abc' | center(9) }}|{{ 'hello world foo' | title }}|{{ 'don\\'t stop' | title }}|{{ 'x-y z(a' | title }}|{{ 'ab cd'.title() }}",
    "{{ none | default('d') }}|{{ missing | default('d') }}|{{ '' | default('d', true) }}|{{ 0 | d(5, boolean=true) }}",
    "{{ 3.7 | int }}|{{ '3.7' | int }}|{{ '0x1A' | int(0, 16) }}|{{ 'abc' | int(-1) }}|{{ '1e3' | float }}|{{ 5 | float }}",
    "{{ 2.5 | round }}|{{ 3.5 | round }}|{{ 2.675 | round(2) }}|{{ 7 | round }}|{{ 2.1 | round(0, 'ceil') }}|{{ -2.5 | round(0, 'floor') }}",
    "{{ [3, 1, 2] | sort | list }}|{{ ['b', 'A', 'c'] | sort }}|{{ ['b', 'A', 'c'] | sort(case_sensitive=true) }}|{{ msgs | sort(attribute='role') | map(attribute='role') | list }}",
    "{{ ['a', 'A', 'b'] | unique | list }}|{{ [1, 2, 3] | sum }}|{{ [1, 5, 3] | max }}|{{ [4, 2] | min }}|{{ ['x', 'y'] | reverse | join }}",
    "{{ 'a' ~ 1 ~ 2.0 ~ none ~ true ~ [1] ~ {'k': 'v'} }}|{{ [1, 'a', none, true, 1.0, (1, 2)] }}|{{ {'a': none} }}",
    "{{ 'x' is string }}{{ 1 is number }}{{ 1.0 is float }}{{ 1 is integer }}{{ [] is sequence }}{{ {} is iterable }}{{ 'a' is mapping }}{{ none is none }}{{ true is boolean }}{{ missing is undefined }}",
    "{{ 4 is even }}{{ 4 is odd }}{{ 9 is divisibleby(3) }}{{ 'abc' is lower }}{{ 'ABC' is upper }}{{ 1 is in [1, 2] }}{{ 2 is gt 1 }}{{ 1 is eq 1 }}",
    "{% for m in msgs %}{{ loop.index }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{% if loop.previtem is defined %}<{{ loop.previtem.role }}{% endif %}{% endfor %}",
    "{% for m in msgs if m.role != 'system' %}{{ loop.index }}/{{ loop.length }}:{{ m.role }} {% else %}none{% endfor %}",
    "{% for a, b in [(1, 2), [3, 4]] %}{{ a + b }},{% endfor %}{% for c in 'hi' %}{{ c }}.{% endfor %}{% for k in d %}{{ k }}{% endfor %}",
    "{% set ns = namespace(found=false, items=[]) %}{% for m in msgs %}{% if m.role == 'user' %}{% set ns.found = true %}{% set ns.items = ns.items + [m.content] %}{% endif %}{% endfor %}{{ ns.found }} {{ ns.items }}",
    "{% set x = 1 %}{% for i in range(3) %}{% set x = x + i %}{{ x }}{% endfor %}|{{ x }}",
    "{% macro m(a, b=2) %}{{ a }}-{{ b }}-{{ varargs }}-{{ kwargs }}{% endmacro %}{{ m(1) }}|{{ m(1, 3, 4, z=5) }}|{{ m(b=9, a=8) }}",
    "{% macro list_it(items) %}{% for i in items %}[{{ caller(i) }}]{% endfor %}{% endmacro %}{% call(x) list_it([1, 2]) %}{{ x * 10 }}{% endcall %}",
    "{% set block %}\n  inner {{ n }}\n{% endset %}[{{ block }}]{% filter upper %}abc{% endfilter %}{% raw %}{{ keep }}{% endraw %}",
    "a\n  {% if true %}\n    b\n  {% endif %}\n  {%- if true %} c {% endif -%}\n  d {#- note -#} e\n{{ 'f' }}\n{%+ if true %}g{% endif %}\n",
    "{{ range(5) | list }}|{{ range(2, 10, 3) | list }}|{{ range(5, 0, -2) | list }}|{{ range(0) | list }}",
    "{{ 'a,b,c'.split(',', 1) }}|{{ '  a  b '.split() }}|{{ 'a b'.split(' ') }}|{{ 'k=v=w'.partition('=') }}|{{ 'x.y.z'.rsplit('.', 1) }}",
    "{{ 'Hello'.startswith('He') }}{{ 'Hello'.endswith(('lo', 'x')) }}{{ 'abc'.replace('b', '') }}{{ 'aXa'.count('a') }}{{ 'abc'.find('z') }}{{ 'abc'.upper().isupper() }}",
    "{{ '{0}-{1}'.format('a', 'b') }}|{{ '%s=%d' % ('k', 3) }}|{{ '%.2f' | format(3.14159) }}|{{ 'x%sy' % 'Z' }}",
    "{{ s[2:7] }}|{{ s[::-1] }}|{{ s[-3:] }}|{{ msgs[::-1] | map(attribute='role') | join(',') }}|{{ [1, 2, 3][5:] }}|{{ 'abc'[1] }}",
    "{{ 'yes' if n is odd else 'no' }}|{{ 'a' if none }}|{{ (1, 2)[0] }}|{{ {'a': 1}['a'] }}|{{ d.c.x[1] }}|{{ d['c']['x'][-1] }}",
    "{{ not none }}|{{ none or 'fallback' }}|{{ 0 and 1 }}|{{ [] or {} }}|{{ 'a' and 'b' }}|{{ not missing }}",
    "{{ strftime_now('%Y-%m-%d %H:%M:%S %A %B %b %a %j %p %I %y') }}|{{ strftime_now('%d %B %Y') }}",
    "{{ d.get('a') }}{{ d.get('zz') }}{{ d.get('zz', 'dflt') }}|{{ d.keys() | list }}|{{ d.values() | list | length }}",
    "{{ msgs | selectattr('role', 'in', ['user', 'assistant']) | map(attribute='role') | list }}|{{ [1, none, 0, 'a'] | select | list }}|{{ [1, 2, 3] | reject('even') | list }}",
    "{{ 'abc' | list }}|{{ 'a' * 3 }}|{{ [0] * 3 }}|{{ [1] + [2] }}|{{ (1,) + (2,) }}|{{ 'ab' in 'cabd' }}|{{ 'x' not in d }}",
    "{{ raise_exception('boom: ' ~ n) }}",
    "{{ missing.attr }}",
    "{{ 'a' + 1 }}",
    "{{ msgs | length + 'x' }}",
    "{% for x in none %}{% endfor %}",
    "{{ [1] | map('string') | tojson }}",
    "{{ d | tojson(indent=2, sort_keys=true) }}|{{ [1, [2, {}], []] | tojson(indent=1) }}|{{ 'é' | tojson(ensure_ascii=true) }}",
    "{{ [] | first }}|{{ [] | join(',') }}|{{ none | string }}|{{ missing | string }}|{{ missing | length }}|{{ missing | list }}",
    "{% if msgs[0].role == 'system' %}{% set rest = msgs[1:] %}{% else %}{% set rest = msgs %}{% endif %}{{ rest | length }}",
    "{%- for m in msgs -%}\n  <{{ m.role }}>\n  {%- if m.content is string %}{{ m.content }}{% endif -%}\n{%- endfor %}\n",
    "\t{% if true %}\ttab\n\t{% endif %}\nx",
    "a {% if true %}\nb{% endif %} c\n  {%- if true %}\nd\n{% endif -%}\n\ne",
    "line\r\n{% if true %}\r\ncrlf\r\n{% endif %}\r\nend",
    "{% raw -%}\n  {{ x }}\n{%- endraw %}\nafter",
    "  {% raw %}\n{{ y }}\n  {% endraw %}\nz",
    "{#- c1 -#}\n  a  \n  {#- c2 #}\n  b\n{# c3 -#}\n  c",
    "{{- '  x  ' -}}  \n  {{ 'y' }}  \n{%- set z = 1 %}\nq",
    "{% for i in [1, 2] %}\n  {% for j in 'ab' %}\n    {{ i }}{{ j }}{{ loop.index }}\n  {% endfor %}\n{% endfor %}",
    "{% if x is defined %}{{ x }}{% elif n > 3 %}big{% endif %}\n{% if not (n > 3 and s) %}no{% else %}yes{% endif %}",
    "{{ \"a\\\\b\" }}|{{ 'a\\'b' }}|{{ \"tab\\tnl\\n\" }}|{{ '\\x41\\u00e9' }}|{{ 'back\\\\slash' | tojson }}",
    "{{ msgs[0] }}|{{ msgs[2] }}",
    "{{ missing == none }}{{ missing is none }}{{ none is defined }}{{ missing | default(none) is none }}",
    "{% set a = [1, 2, 3] %}{{ a[0] }}{{ a[-1] }}{{ a | length }}{{ a[1:2] }}{{ a.index(2) }}{{ a.count(3) }}",
    "{% for m in msgs %}{% if m.content is none %}{% continue %}{% endif %}{{ m.content }};{% endfor %}",
    "{% for m in msgs %}{{ m.role }}{% if loop.index == 2 %}{% break %}{% endif %}{% endfor %}",
    "{% for m in msgs %}{% set msg_role = m.role %}{% endfor %}[{{ msg_role }}]",
    "{% set ns = namespace() %}{% set ns.count = 0 %}{% for m in msgs %}{% set ns.count = ns.count + 1 %}{% endfor %}{{ ns.count }}",
    "{% macro render(m) -%}\n  <{{ m.role }}>\n{%- endmacro %}\n{% for m in msgs %}{{ render(m) }}{% endfor %}",
    "{{ '%-5s|' | format('ab') if false else '' }}{{ 'ABC' | lower | capitalize }}|{{ 'x y' | replace(' ', '_') | upper }}",
    "{{ [1, 2] | tojson(separators=(',', ':')) }}|{{ {'a': [1]} | tojson(indent='\\t') }}",
    "{{ 1 if true }}{{ 2 if false else 3 if true else 4 }}{{ (5 if false) is defined }}",
    "{{ msgs | map(attribute='content') | select('string') | join(' + ') }}",
    "{{ 10 | string | length }}|{{ 3.0 | int }}|{{ true | int }}|{{ -3 // 2 }}|{{ 7.5 // 2 }}|{{ -7.5 % 2 }}",
    "{{ 'a b c'.split(' ', 1)[1] }}|{{ ('x' ~ 'y')[0] }}|{{ '' ~ none ~ missing }}|{{ d.c['x'] | length }}",
    "{% set t = (1, 'a') %}{{ t }}{{ t[1] }}{{ t | length }}{{ t | list }}{% set p, q = t %}{{ q }}",
    "{{ {'k': 1}.items() | list }}{{ d | dictsort | first | first }}",
]

cases = []
for snippet in SNIPPETS:
    case = {"source": snippet}
    try:
        case["output"] = env.from_string(snippet).render(**VARS)
    except Exception as e:
        case["error"] = f"{type(e).__name__}: {e}"
    cases.append(case)
json.dump({"variables": VARS, "now": gen["FIXED_NOW"].isoformat(), "cases": cases}, sys.stdout, ensure_ascii=False, indent=1)
