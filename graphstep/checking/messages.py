# ruff: noqa: E501  (message catalogue: long sentences read better unbroken)
"""The checker's words, in English and Spanish (looked up with :func:`graphstep.i18n.tr`)."""

from __future__ import annotations

MESSAGES = {
    "en": {
        "status_right": "right",
        "status_rounded": "consistent, rounded early",
        "status_follows": "follows from line {line}",
        "status_wrong": "wrong",
        "status_blank": "not answered",
        "first_wrong": "◀ first mistake",
        "col_line": "line",
        "col_answer": "answer",
        "col_yours": "yours",
        "col_expected": "expected",
        "col_verdict": "verdict",
        "summary": "{file}: {count} answers: {parts}",
        "part_right": "{n} right",
        "part_rounded": "{n} rounded early",
        "part_wrong": "{n} wrong",
        "part_follows": "{n} following from an earlier mistake",
        "part_blank": "{n} not answered",
        "all_right": "All answers are right.",
        "first_at": "First mistake: line {line}, {label}.",
        "tolerance": "tolerance: {how}",
        "tolerance_written": "half a unit in the last digit written",
        "tolerance_fixed": "±{value}",
        "short_sign": "sign flipped",
        "short_fanout": "fan-out not summed",
        "short_upstream_dropped": "upstream factor dropped",
        "short_mul_swapped": "mul inputs swapped",
        "short_max_routed": "max routed to the wrong input",
        "short_max_picked": "max/min took the wrong input",
        "short_relu_routed": "relu gate opened the wrong way",
        "short_chain_order": "chain rule in the wrong order",
        "short_unknown": "wrong",
        "short_local_dropped": "local derivative dropped",
        "note_rounded": "consistent, rounded early: from your own numbers {how} (exactly {exact}). "
                        "Not a mistake; keep more decimals in the intermediate steps to land on the exact value.",
        "note_follows": "follows from your answer on line {line} ({label}): with your numbers {how}. "
                        "This step is right; fix line {line} first.",
        "note_sign": "the sign is flipped: the right number is {right}.",
        "note_fanout": "{name} fans out to {count} gates and {claim} is only what the {gate} gate sent back. "
                       "At a fork the gradients add up (+=): ∂{f}/∂{name} = {parts} = {right}.",
        "note_upstream_dropped": "{claim} is only the local derivative at the {gate} gate ({local}): the upstream gradient "
                                 "is missing. Chain rule: upstream × local, ∂{f}/∂{name} = {how}.",
        "note_mul_swapped": "the inputs of the mul gate {gate} are swapped: {name} receives the upstream gradient "
                            "times the other input ({other}), not its own value ({own}): "
                            "{upstream} × {other} = {sent}.",
        "note_max_routed": "the {gate} gate routes the gradient to the wrong input: only the larger input receives it, "
                           "the other gets 0. Here ∂{f}/∂{name} = {how}.",
        "note_relu_routed": "the {gate} gate lets the gradient through only where its input is positive, and its input here is {input}: ∂{f}/∂{name} = {how}.",
        "note_max_picked": "the {gate} gate passes on the winning input ({right}), not the other one ({other}).",
        "note_chain_order": "the chain rule is applied in the wrong order: {claim} is the derivative with {outer} "
                            "applied first and {inner} second, but {name} goes through {inner} first, then "
                            "{outer}: ∂{f}/∂{name} = {how}.",
        "note_local_dropped": "{claim} is the upstream gradient passed on unchanged, as an add gate would; "
                              "the {gate} gate multiplies it by its local derivative ({local}): {upstream} × {local} = {sent}.",
        "note_unknown": "expected {expected}: {how}.",
        "note_unknown_value": "expected {expected}: {how}.",
        "no_answers": "{file}: no answers found. Write them as lines like `? q = 3` or `? ∂f/∂x = -4`.",
        "note_blank": "not answered yet.",
    },
    "es": {
        "status_right": "correcto",
        "status_rounded": "consistente, redondeado antes",
        "status_follows": "se sigue de la línea {line}",
        "status_wrong": "incorrecto",
        "status_blank": "sin responder",
        "first_wrong": "◀ primer error",
        "col_line": "línea",
        "col_answer": "respuesta",
        "col_yours": "tuya",
        "col_expected": "esperada",
        "col_verdict": "veredicto",
        "summary": "{file}: {count} respuestas: {parts}",
        "part_right": "{n} correctas",
        "part_rounded": "{n} redondeadas antes",
        "part_wrong": "{n} incorrectas",
        "part_follows": "{n} que se siguen de un error anterior",
        "part_blank": "{n} sin responder",
        "all_right": "Todas las respuestas son correctas.",
        "first_at": "Primer error: línea {line}, {label}.",
        "tolerance": "tolerancia: {how}",
        "tolerance_written": "media unidad en el último dígito escrito",
        "tolerance_fixed": "±{value}",
        "short_sign": "signo invertido",
        "short_fanout": "bifurcación sin sumar",
        "short_upstream_dropped": "falta el gradiente de arriba",
        "short_mul_swapped": "entradas del producto intercambiadas",
        "short_max_routed": "max enruta a la entrada equivocada",
        "short_max_picked": "max/min tomó la entrada equivocada",
        "short_relu_routed": "relu abierta al revés",
        "short_chain_order": "regla de la cadena en el orden equivocado",
        "short_unknown": "incorrecto",
        "short_local_dropped": "falta la derivada local",
        "note_rounded": "consistente, redondeado antes: con tus propios números {how} (exactamente {exact}). "
                        "No es un error; conserva más decimales en los pasos intermedios para llegar al valor "
                        "exacto.",
        "note_follows": "se sigue de tu respuesta de la línea {line} ({label}): con tus números {how}. "
                        "Este paso está bien; corrige primero la línea {line}.",
        "note_sign": "el signo está invertido: el número correcto es {right}.",
        "note_fanout": "{name} se bifurca hacia {count} compuertas y {claim} es sólo lo que devolvió la compuerta {gate}. "
                       "En una bifurcación los gradientes se suman (+=): ∂{f}/∂{name} = {parts} = {right}.",
        "note_upstream_dropped": "{claim} es sólo la derivada local en la compuerta {gate} ({local}): falta el gradiente de "
                                 "arriba. Regla de la cadena: arriba × local, ∂{f}/∂{name} = {how}.",
        "note_mul_swapped": "las entradas del producto {gate} están intercambiadas: {name} recibe el gradiente de "
                            "arriba por la otra entrada ({other}), no por su propio valor ({own}): "
                            "{upstream} × {other} = {sent}.",
        "note_max_routed": "la compuerta {gate} envía el gradiente a la entrada equivocada: sólo la entrada mayor lo recibe, "
                           "la otra recibe 0. Aquí ∂{f}/∂{name} = {how}.",
        "note_relu_routed": "la compuerta {gate} deja pasar el gradiente sólo donde su entrada es positiva, y aquí su entrada es {input}: ∂{f}/∂{name} = {how}.",
        "note_max_picked": "la compuerta {gate} deja pasar la entrada ganadora ({right}), no la otra ({other}).",
        "note_chain_order": "la regla de la cadena está aplicada en el orden equivocado: {claim} es la derivada "
                            "aplicando primero {outer} y después {inner}, pero {name} pasa primero por {inner} y "
                            "luego por {outer}: ∂{f}/∂{name} = {how}.",
        "note_local_dropped": "{claim} es el gradiente de arriba pasado sin cambios, como haría una suma; "
                              "la compuerta {gate} lo multiplica por su derivada local ({local}): {upstream} × {local} = {sent}.",
        "note_unknown": "se esperaba {expected}: {how}.",
        "note_unknown_value": "se esperaba {expected}: {how}.",
        "no_answers": "{file}: no hay respuestas. Escríbelas en líneas como `? q = 3` o `? ∂f/∂x = -4`.",
        "note_blank": "todavía sin responder.",
    },
}
