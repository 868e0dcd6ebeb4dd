"""Getting content from the owners to every desk: signed packs, Ed25519 keys, the
shared folder, the desk's sync, and the site and user configuration that names them.
"""
