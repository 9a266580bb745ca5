"""Talking to a language model over the OpenAI-compatible chat-completions protocol.

OpenAI, vLLM, llama.cpp's server, Ollama and LM Studio all speak it. `client` sends
requests (through the project's HTTP client: retries, 429/Retry-After, size caps),
keeps answers in the library and counts tokens; `answers` reads and checks what the
model wrote; `prompts` says what it is asked.
"""
