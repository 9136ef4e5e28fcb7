package dev.runnel.registry.web;

import jakarta.enterprise.context.RequestScoped;

/**
 * The one place that says who calls. Until bot-service issues tokens (issue 3) every caller is
 * the local anonymous user; authentication plugs in here.
 */
@RequestScoped
public class CallerContext {

    private static final Caller ANONYMOUS = new Caller("anonymous");

    public Caller current() {
        return ANONYMOUS;
    }
}
