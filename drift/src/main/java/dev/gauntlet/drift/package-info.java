/** Gauntlet drift module. */
package dev.gauntlet.drift;
