"""The playground's core: model, tokenizers, data, trainer, tracer and sampler. Never imports Qt."""
