/**
 * Tool cards: what people watching an agent see of a tool call — a short title, an icon name and a
 * narration rendered from the call's arguments (escaped, redacted).
 */
package dev.toolgate.gateway.cards;
