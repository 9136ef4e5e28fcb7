package dev.runnel.registry.web;

/** Who makes a request. */
public record Caller(String subject) {
}
