package dev.toolgate.gateway.catalog;

/** Where an argument goes in the upstream HTTP request. */
public enum ParamLocation {
    PATH, QUERY, HEADER, COOKIE, BODY
}
