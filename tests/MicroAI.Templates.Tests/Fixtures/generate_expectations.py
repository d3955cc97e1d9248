#!/usr/bin/env python3
"""Renders every chat template in shared/chat-templates with Python Jinja2 configured exactly as
Hugging Face transformers configures it (ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks,
loopcontrols, a `generation` tag, the tojson/raise_exception/strftime_now overrides), for a fixed set
of conversations, and writes expectations.json (template sources included, so the tests need nothing else). Dev-time only: the tests read the JSON.

Usage: python3 generate_expectations.py /work/shared/chat-templates > expectations.json
"""
import json, os, sys, datetime
from jinja2 import nodes
from jinja2.exceptions import TemplateError
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

FIXED_NOW = datetime.datetime(2026, 1, 15, 10, 30, 45)

class RaisedByTemplate(TemplateError):
    pass

class GenerationTag(Extension):
    # transformers' AssistantTracker renders the body unchanged; that is all the output needs.
    tags = {"generation"}
    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return nodes.Scope(body).set_lineno(lineno)

def make_env():
    def raise_exception(message):
        raise RaisedByTemplate(message)
    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)
    def strftime_now(fmt):
        return FIXED_NOW.strftime(fmt)
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[GenerationTag, loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env

WEATHER_TOOL = {"type": "function", "function": {
    "name": "get_weather", "description": "Get the current weather in a city.",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string", "description": "City name, e.g. \"Paris\""},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
        "required": ["city"]}}}

CONVERSATIONS = {
    "chat": {"messages": [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "Hello! What's 2+2?"},
        {"role": "assistant", "content": "2 + 2 = 4."},
        {"role": "user", "content": "Thanks — and in French?"}],
        "add_generation_prompt": True, "tools": None},
    "user_only": {"messages": [{"role": "user", "content": "Write a haiku about the sea."}],
        "add_generation_prompt": True, "tools": None},
    "tools": {"messages": [
        {"role": "user", "content": "What's the weather in Paris?"},
        {"role": "assistant", "content": "", "tool_calls": [{"id": "call00001", "type": "function",
            "function": {"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}}]},
        {"role": "tool", "tool_call_id": "call00001", "name": "get_weather", "content": "{\"temperature\": 18, \"sky\": \"cloudy\"}"}],
        "add_generation_prompt": True, "tools": [WEATHER_TOOL]},
    "multipart": {"messages": [
        {"role": "user", "content": [{"type": "text", "text": "Describe this:"}, {"type": "text", "text": "a red apple."}]}],
        "add_generation_prompt": True, "tools": None},
    "assistant_last": {"messages": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello!"}],
        "add_generation_prompt": False, "tools": None},
    "tools_multi": {"messages": [
        {"role": "system", "content": "You can call tools."},
        {"role": "user", "content": "Weather in Paris and Tokyo?"},
        {"role": "assistant", "content": "Let me check.", "reasoning_content": "Two cities, two calls.", "tool_calls": [
            {"id": "call00001", "type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}},
            {"id": "call00002", "type": "function", "function": {"name": "get_weather", "arguments": {"city": "Tokyo", "unit": "celsius"}}}]},
        {"role": "tool", "tool_call_id": "call00001", "name": "get_weather", "content": "18C"},
        {"role": "tool", "tool_call_id": "call00002", "name": "get_weather", "content": "25C"},
        {"role": "assistant", "content": "Paris 18C, Tokyo 25C."},
        {"role": "user", "content": "Thanks"}],
        "add_generation_prompt": True, "tools": [WEATHER_TOOL]},
    "unicode": {"messages": [
        {"role": "user", "content": "  Ünïcødé ✓ 日本語 \"quotes\" 'single' {{ not a tag }} {% raw %}\n\ttab\\ \u2028 end  "},
        {"role": "assistant", "content": "<think>\nhmm\n</think>\n\nOK 👍"},
        {"role": "user", "content": "Again"}],
        "add_generation_prompt": True, "tools": None},
    "kwargs": {"messages": [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Solve 12*12."},
        {"role": "assistant", "content": "<think>\n12*12=144\n</think>\n\n144", "reasoning_content": "12*12=144"},
        {"role": "user", "content": "And 13*13?"}],
        "add_generation_prompt": True, "tools": None,
        "extra": {"enable_thinking": False, "reasoning_effort": "low", "thinking": False, "custom_instructions": "Answer in one line."}},
    "tools_string_args": {"messages": [
        {"role": "user", "content": "Weather in Oslo?"},
        {"role": "assistant", "content": "", "tool_calls": [{"id": "call00003", "type": "function",
            "function": {"name": "get_weather", "arguments": "{\"city\": \"Oslo\"}"}}]},
        {"role": "tool", "tool_call_id": "call00003", "name": "get_weather", "content": "-3C, snow"}],
        "add_generation_prompt": True, "tools": [WEATHER_TOOL]},
}

def main():
    folder = sys.argv[1]
    env = make_env()
    cases = []
    sources = {}
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".jinja"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            source = f.read()
        sources[name] = source
        for conv_name, conv in CONVERSATIONS.items():
            case = {"template": name, "conversation": conv_name}
            try:
                tpl = env.from_string(source)
                case["output"] = tpl.render(messages=conv["messages"], tools=conv["tools"], documents=None,
                    add_generation_prompt=conv["add_generation_prompt"], bos_token="<s>", eos_token="</s>",
                    **conv.get("extra", {}))
            except RaisedByTemplate as e:
                case["error"] = str(e); case["raised"] = True
            except Exception as e:
                case["error"] = f"{type(e).__name__}: {e}"; case["raised"] = False
            cases.append(case)
    json.dump({"conversations": CONVERSATIONS, "now": FIXED_NOW.isoformat(), "bos_token": "<s>", "eos_token": "</s>",
               "templates": sources, "cases": cases}, sys.stdout, ensure_ascii=False, indent=1)

main()
