/** Gauntlet attacks module. */
package dev.gauntlet.attacks;
