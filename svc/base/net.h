/* net.h - the small client-socket layer decoysvc needs (the syslog sink): connect with a timeout
 * over TCP or UDP, send, notice a peer that closed, close; and parsing an IP address. BSD sockets
 * in net_posix.c, Winsock in net_win.c (which starts and stops Winsock with each connection); the
 * address parsing in net_ip.c. */
#ifndef ADDECOY_SVC_NET_H
#define ADDECOY_SVC_NET_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

typedef struct net_conn net_conn;

/* Connects to host:port (each address getaddrinfo returns, in turn), waiting at most
 * connect_timeout_ms for a TCP handshake; sends then block for at most send_timeout_ms. Returns
 * the connection, or NULL with "host:port: why" in err. */
net_conn *net_connect(const char *host, const char *port, int udp, long connect_timeout_ms,
                      long send_timeout_ms, char *err, size_t errlen);
/* Sends all len bytes (TCP) or one datagram (UDP); 0, or -1 with the reason in err. A send that
 * cannot go on waits for the peer at most send_timeout_ms since its last progress, in slices of
 * NET_SLICE_MS: it gives up within one slice once the cancel flag is set (the service stops). */
int net_send(net_conn *c, const void *buf, size_t len, char *err, size_t errlen);
#define NET_SLICE_MS 100
/* The flag that makes a waiting net_send give up (NULL: none); it must outlive c. */
void net_set_cancel(net_conn *c, const atomic_int *cancel);
/* 1 when the TCP peer has closed the connection (readable with nothing to read), else 0. */
int net_peer_closed(net_conn *c);
/* Closes and frees c (NULL is fine). */
void net_close(net_conn *c);

/* Parses an IPv4 or IPv6 address: 4 for IPv4 (out is the IPv4-mapped IPv6 address
 * ::ffff:a.b.c.d), 6 for IPv6, 0 when s is not an address. */
int net_parse_ip(const char *s, uint8_t out[16]);
/* The system's inet_pton for IPv6 (v6 set: 16 bytes) or IPv4 (4 bytes); 0, or -1 when s is not one. */
int net_pton(int v6, const char *s, void *out);

#endif
